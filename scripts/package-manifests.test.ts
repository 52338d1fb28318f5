/**
 * What every publishable package's `package.json` must say for it to be installable as a
 * library: checked from the workspace in milliseconds, before the slower packed-package test
 * shows the same holds for the tarballs.
 */
import { existsSync, globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageEntries } from './package-entries.ts';
import { publishablePackages, workspaceRoot } from './workspace-packages.ts';

const packages = publishablePackages();
const core = packages.find((pkg) => pkg.manifest.name === '@agentchart/core')!;
/** Framework packages users import too: one copy, theirs, in a range CI installs at both ends. */
const peers = ['xstate', 'zod'];

type Dependencies = Record<string, string> | undefined;
const field = (pkg: (typeof packages)[number], name: string) => pkg.manifest[name] as Dependencies;

describe('package manifests', () => {
  it('finds every package under packages/', () => {
    expect(packages.map((pkg) => pkg.relativeDir)).toEqual(
      expect.arrayContaining(['packages/core', 'packages/cli', 'packages/adapters/openai']),
    );
  });

  describe.each(packages.map((pkg) => [pkg.manifest.name, pkg] as const))('%s', (_name, pkg) => {
    it('is publish-ready: MIT with its LICENSE, a CHANGELOG, its repository folder, ESM, built on pack', () => {
      const { manifest } = pkg;
      expect(manifest.license).toBe('MIT');
      expect(readFileSync(join(pkg.dir, 'LICENSE'), 'utf8')).toBe(
        readFileSync(join(workspaceRoot, 'LICENSE'), 'utf8'),
      );
      expect(manifest.repository).toEqual({
        type: 'git',
        url: (core.manifest.repository as { url: string }).url,
        directory: pkg.relativeDir,
      });
      expect(manifest.type).toBe('module');
      expect(manifest.engines).toEqual(core.manifest.engines);
      expect(manifest.files).toContain('dist');
      // Written by `changeset version`; shipped so the installed package says what changed.
      expect(manifest.files).toContain('CHANGELOG.md');
      const changelog = readFileSync(join(pkg.dir, 'CHANGELOG.md'), 'utf8');
      expect(changelog.startsWith(`# ${manifest.name}\n`)).toBe(true);
      expect(changelog).toContain(`\n## ${manifest.version}\n`);
      expect(manifest.scripts).toMatchObject({ build: 'tsdown', prepack: 'pnpm run build' });
    });

    it('takes xstate and zod as peers in the one tested range, and develops against them', () => {
      for (const peer of peers) {
        expect(field(pkg, 'dependencies')?.[peer], `${peer} in dependencies`).toBeUndefined();
        const range = field(pkg, 'peerDependencies')?.[peer];
        expect(range).toBe(field(core, 'peerDependencies')![peer]);
        expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
        // The workspace's own version sits inside the range: the highest end CI installs.
        const [major, minor] = range!.slice(1).split('.').map(Number);
        const [devMajor, devMinor] = field(pkg, 'devDependencies')!
          [peer]!.slice(1)
          .split('.')
          .map(Number);
        expect(devMajor).toBe(major);
        expect(devMinor).toBeGreaterThanOrEqual(minor!);
      }
    });

    it('depends on other agentchart packages through workspace:^, so a release pins a range', () => {
      for (const kind of ['dependencies', 'peerDependencies']) {
        for (const [name, range] of Object.entries(field(pkg, kind) ?? {})) {
          if (name === 'agentchart' || name.startsWith('@agentchart/')) {
            expect(`${kind}.${name}: ${range}`).toBe(`${kind}.${name}: workspace:^`);
          }
        }
      }
    });

    it('exports its package.json, which tools read for its version', () => {
      // Before: every package but the CLI refused it (ERR_PACKAGE_PATH_NOT_EXPORTED).
      expect((pkg.manifest.exports as Record<string, unknown>)['./package.json']).toBe(
        './package.json',
      );
    });

    it('exports every index.ts under src as an entry, each with its source, types and module', () => {
      const entries = packageEntries(pkg.dir);
      const indexFiles = globSync('src/**/index.ts', { cwd: pkg.dir })
        .filter((file) => !file.includes('__fixtures__'))
        .map((file) => `./${file.split('\\').join('/')}`)
        .sort();
      expect(entries.map((entry) => entry.source).sort()).toEqual(indexFiles);
      for (const entry of entries) {
        expect(existsSync(join(pkg.dir, entry.source)), entry.source).toBe(true);
      }
      if (entries.length === 0) {
        // The command: a bin and its build, no library entry.
        expect(manifest(pkg).bin).toBeDefined();
        expect(manifest(pkg).files).toContain('bin');
      } else {
        expect(manifest(pkg).files).toContain('src');
      }
    });
  });
});

describe('changesets', () => {
  it('name only packages this workspace publishes, so `changeset version` can read them', () => {
    const names = new Set(packages.map((pkg) => pkg.manifest.name));
    const unknown: string[] = [];
    for (const file of globSync('.changeset/*.md', { cwd: workspaceRoot })) {
      if (file.endsWith('README.md')) continue;
      const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(workspaceRoot, file), 'utf8'));
      for (const line of front?.[1]?.split('\n') ?? []) {
        const named = /^['"]?([^'":]+)['"]?\s*:/.exec(line.trim())?.[1];
        if (named !== undefined && !names.has(named)) unknown.push(`${file}: ${named}`);
      }
    }
    // Was six naming '@agentchart/cli' (the CLI is published as 'agentchart'): `changeset
    // status` and `changeset version` stopped at the first, "not in the workspace".
    expect(unknown).toEqual([]);
  });
});

function manifest(pkg: (typeof packages)[number]) {
  return pkg.manifest as { bin?: unknown; files?: string[] };
}
