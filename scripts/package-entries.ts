/**
 * @module package-entries
 * The entries of a workspace package, read from its `exports`: the one list that tsdown
 * builds, the packed-package checks iterate over and users import. A new subpath needs only
 * its line in `package.json` and its `index.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The private condition that resolves a workspace package to its TypeScript sources. */
export const sourceCondition = '@agentchart/source';

/** One subpath a package exports, with the files behind it. */
export interface PackageEntry {
  /** The subpath as users import it after the package name: `.` or `./testing`. */
  subpath: string;
  /** The TypeScript source, relative to the package: `./src/testing/index.ts`. */
  source: string;
  /** The built module: `./dist/testing/index.mjs`. */
  module: string;
  /** Its declarations: `./dist/testing/index.d.mts`. */
  types: string;
  /** tsdown's entry name, which decides the output path: `testing/index`. */
  name: string;
}

/** The parts of `package.json` the checks read. */
export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Reads a package's `package.json`. */
export function readManifest(packageDir: string): PackageManifest {
  return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageManifest;
}

const builtModule = /^\.\/dist\/(.+)\.mjs$/;

/**
 * Lists the entries a package declares in `exports`. Each must name its source (under the
 * private condition), its declarations (`types`) and its module (`default`) as
 * `./dist/<name>.d.mts` and `./dist/<name>.mjs`; anything else throws with the package, the
 * subpath and the shape expected, so a typo fails the build instead of shipping a broken path.
 */
export function packageEntries(packageDir: string): PackageEntry[] {
  const manifest = readManifest(packageDir);
  return Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) => {
    if (subpath === './package.json') return [];
    const conditions = (typeof target === 'object' && target !== null ? target : {}) as Record<
      string,
      unknown
    >;
    const source = conditions[sourceCondition];
    const types = conditions.types;
    const module = conditions.default;
    const name = typeof module === 'string' ? builtModule.exec(module)?.[1] : undefined;
    if (
      typeof source !== 'string' ||
      !source.startsWith('./src/') ||
      name === undefined ||
      types !== `./dist/${name}.d.mts` ||
      Object.keys(conditions).join() !== [sourceCondition, 'types', 'default'].join()
    ) {
      throw new Error(
        `${manifest.name}: export "${subpath}" must be ` +
          `{ "${sourceCondition}": "./src/<path>.ts", "types": "./dist/<name>.d.mts", ` +
          `"default": "./dist/<name>.mjs" } in this order; found ${JSON.stringify(target)}.`,
      );
    }
    return [{ subpath, source, module: `./dist/${name}.mjs`, types, name }];
  });
}

/** tsdown's `entry` option for a package: every entry its `exports` lists, by output name. */
export function tsdownEntries(packageDir: string): Record<string, string> {
  return Object.fromEntries(packageEntries(packageDir).map((entry) => [entry.name, entry.source]));
}

/**
 * tsdown options every package builds with: source maps beside each module and declaration
 * maps beside each `.d.mts`, both pointing into the `src/` the tarball ships. Without them a
 * stack trace (`node --enable-source-maps`, or a bundler that reads its inputs' maps) named
 * lines of hashed chunks such as `dist/create-agent-qMLFy36s.mjs`, and an editor's "go to
 * definition" opened a `.d.mts` chunk instead of the source shipped for it. The maps leave the
 * sources out (`sourcemapExcludeSources`): `src/` is in the tarball, and inlined a second
 * time it would double its size.
 */
export const sourceMapOptions = {
  sourcemap: true,
  outputOptions: { sourcemapExcludeSources: true },
} as const;
