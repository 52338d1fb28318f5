/**
 * The install guide tells a user to copy an example's `src/` (its tests come along) and
 * `data/`, then run `npx vitest run`: so a test under an example's `src/` may read only what
 * travels with it. A test that checks the example against the repository's docs lives in the
 * example's `test/` folder instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Files under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The relative paths a test names: `new URL('…', import.meta.url)` and imports. */
function pathsNamed(source: string): string[] {
  const named = [
    ...source.matchAll(/new URL\(\s*'([^']+)',\s*import\.meta\.url/g),
    ...source.matchAll(/from '(\.{1,2}\/[^']+)'/g),
  ];
  return named.map((match) => match[1]!);
}

describe("the examples' tests under src/", () => {
  const examples = readdirSync(join(root, 'examples'));
  const tests = examples.flatMap((example) =>
    filesUnder(join(root, 'examples', example, 'src'))
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => ({ example, file })),
  );

  it.each(tests.map(({ example, file }) => [relative(root, file), example]))(
    '%s reads only what travels with src/ and data/',
    (file, example) => {
      const travels = ['src', 'data'].map((folder) => join(root, 'examples', example, folder));
      const source = readFileSync(join(root, file), 'utf8');
      for (const path of pathsNamed(source)) {
        const target = resolve(join(root, file, '..'), path);
        expect(
          travels.some((folder) => target.startsWith(`${folder}/`) || target === folder),
          `${file} reads ${path}, outside the example's src/ and data/`,
        ).toBe(true);
      }
    },
  );
});
