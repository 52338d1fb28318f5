import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDirectoryTool } from './list-directory-tool';
import { createTestSandbox, type TestSandbox } from './test-sandbox';

describe('listDirectoryTool', () => {
  let sandbox: TestSandbox;
  beforeEach(async () => {
    sandbox = await createTestSandbox();
  });
  afterEach(() => sandbox.remove());

  const list = (path: string, maxEntries?: number) =>
    listDirectoryTool({ root: sandbox.root, ...(maxEntries ? { maxEntries } : {}) }).execute(
      { path },
      sandbox.context,
    );

  it('lists names, types and file sizes sorted by name, symlinks not followed', async () => {
    await expect(list('.')).resolves.toEqual({
      path: '.',
      entries: [
        { name: 'dir-link-inside', type: 'symlink' },
        { name: 'docs', type: 'directory' },
        { name: 'escape-absolute', type: 'symlink' },
        { name: 'escape-dir', type: 'symlink' },
        { name: 'escape-file', type: 'symlink' },
        { name: 'link-inside', type: 'symlink' },
        { name: 'notes.txt', type: 'file', size: 5 },
      ],
      truncated: false,
    });
  });

  it('lists a directory reached through a symlink inside the root', async () => {
    const listing = await list('dir-link-inside');
    expect(listing.path).toBe('dir-link-inside');
    expect(listing.entries.map((entry) => entry.name)).toEqual(['escape-nested', 'readme.md']);
  });

  it('returns at most maxEntries and says the rest were left out', async () => {
    for (const name of ['a', 'b', 'c']) await writeFile(join(sandbox.root, 'docs', name), name);
    const listing = await list('docs', 2);
    expect(listing.entries.map((entry) => entry.name)).toEqual(['a', 'b']);
    expect(listing.truncated).toBe(true);
  });

  it('refuses a file, pointing to read_file', async () => {
    await expect(list('notes.txt')).rejects.toThrow(
      '"notes.txt" is not a directory; use read_file to read a file.',
    );
  });
});
