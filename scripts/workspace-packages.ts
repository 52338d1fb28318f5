/**
 * @module workspace-packages
 * The packages this workspace publishes, found from the folders `pnpm-workspace.yaml` names
 * for them, so a new package is checked and packed without being listed anywhere else.
 */
import { globSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type PackageManifest, readManifest } from './package-entries.ts';

/** The repository's root folder. */
export const workspaceRoot = resolve(import.meta.dirname, '..');

/** A package of the workspace that is published to npm. */
export interface WorkspacePackage {
  /** Its folder, absolute. */
  dir: string;
  /** Its folder relative to the workspace root, with `/`: `packages/adapters/openai`. */
  relativeDir: string;
  manifest: PackageManifest;
}

/** Every non-private package under `packages/`, sorted by folder. */
export function publishablePackages(): WorkspacePackage[] {
  return globSync(['packages/*/package.json', 'packages/adapters/*/package.json'], {
    cwd: workspaceRoot,
  })
    .map((file) => dirname(file).split('\\').join('/'))
    .sort()
    .map((relativeDir) => {
      const dir = join(workspaceRoot, relativeDir);
      return { dir, relativeDir, manifest: readManifest(dir) };
    })
    .filter((pkg) => pkg.manifest.private !== true);
}
