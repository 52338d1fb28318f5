import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeTally, fuzzToolInput, toolInputArbitrary } from '../shared/fuzz-tool-input';
import { fileSystemTools } from './file-system-tools';
import { createTestSandbox, type TestSandbox } from './test-sandbox';

/** Every file under `dir` with its content, symlinks as their targets' names. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    files[path] = entry.isFile()
      ? await readFile(path, 'utf8')
      : entry.isSymbolicLink()
        ? 'link'
        : 'dir';
  }
  return files;
}

const segment = fc.constantFrom(
  '..',
  '.',
  '',
  'docs',
  'notes.txt',
  'readme.md',
  'escape-dir',
  'escape-file',
  'escape-absolute',
  'link-inside',
  'dir-link-inside',
  'escape-nested',
  'secret.txt',
  'new.txt',
  '%2e%2e',
  '\0',
  '~',
  'C:',
  '\\..',
  '\n',
  '*',
);
const pathLike = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('notes.txt', 'docs/readme.md', 'link-inside', '.', 'docs', 'out/new.txt'),
  fc
    .tuple(
      fc.boolean(),
      fc.array(segment, { minLength: 1, maxLength: 5 }),
      fc.constantFrom('/', '\\'),
    )
    .map(([absolute, parts, separator]) => `${absolute ? separator : ''}${parts.join(separator)}`),
);

describe('file-system tools fuzzing', () => {
  let sandbox: TestSandbox;
  beforeEach(async () => {
    sandbox = await createTestSandbox();
  });
  afterEach(() => sandbox.remove());

  it('validates or refuses every generated call before touching anything outside the root', async ({
    annotate,
  }) => {
    const [read, list, write] = fileSystemTools({
      root: sandbox.root,
      allowWrite: true,
      maxBytes: 4_096,
    });
    const outside = await snapshot(sandbox.outside);
    const root = await snapshot(sandbox.root);
    const lines: string[] = [];
    for (const [tool, fields, readOnly] of [
      [read, { path: pathLike }, true],
      [list, { path: pathLike }, true],
      [write!, { path: pathLike, content: fc.string({ maxLength: 100 }) }, false],
    ] as const) {
      const tally = await fuzzToolInput(tool, toolInputArbitrary(fields), {
        numRuns: 150,
        afterEach: async () => {
          expect(await snapshot(sandbox.outside)).toEqual(outside);
          if (readOnly) expect(await snapshot(sandbox.root)).toEqual(root);
        },
      });
      expect(tally.rejected).toBeGreaterThan(0);
      expect(tally.executed).toBeGreaterThan(0);
      lines.push(`${tool.name}: ${describeTally(tally)}`);
    }
    await annotate(lines.join('; '));
  });
});
