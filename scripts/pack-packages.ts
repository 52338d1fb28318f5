/**
 * @module pack-packages
 * Packs every publishable package into a folder with `pnpm pack`, which builds each one first
 * (its `prepack` script) and turns `workspace:` versions into real ones: the tarballs a user
 * installs before the packages are on npm, and the ones CI checks and installs.
 *
 *   ./run pack [folder]     (default: packed/)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publishablePackages, type WorkspacePackage, workspaceRoot } from './workspace-packages.ts';

/** A package packed into a tarball. */
export interface PackedPackage extends WorkspacePackage {
  /** The tarball, absolute. */
  tarball: string;
  /** The paths inside it, relative to the package. */
  files: string[];
}

/**
 * Packs each publishable package into `destination` (pnpm builds two at a time, core before
 * the packages that depend on it). Throws with pnpm's output when a package fails to build or
 * to pack.
 */
export function packPackages(destination: string): PackedPackage[] {
  mkdirSync(destination, { recursive: true });
  const packages = publishablePackages();
  const result = spawnSync(
    'pnpm',
    [
      '--recursive',
      ...packages.flatMap((pkg) => ['--filter', `./${pkg.relativeDir}`]),
      'pack',
      '--pack-destination',
      destination,
      '--json',
    ],
    { cwd: workspaceRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  // The prepack builds print to stdout before pnpm prints its JSON array.
  const json = result.stdout.slice(result.stdout.indexOf('\n[\n') + 1);
  if (result.status !== 0 || !json.startsWith('[')) {
    throw new Error(
      `pnpm pack failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  const reports = JSON.parse(json) as {
    name: string;
    filename: string;
    files: { path: string }[];
  }[];
  return packages.map((pkg) => {
    const report = reports.find((candidate) => candidate.name === pkg.manifest.name);
    if (!report) throw new Error(`pnpm pack did not pack ${pkg.manifest.name}:\n${result.stdout}`);
    return { ...pkg, tarball: report.filename, files: report.files.map((file) => file.path) };
  });
}

if (import.meta.main) {
  const destination = resolve(process.argv[2] ?? join(workspaceRoot, 'packed'));
  for (const packed of packPackages(destination)) {
    console.log(`${packed.manifest.name.padEnd(24)} ${packed.tarball}`);
  }
}
