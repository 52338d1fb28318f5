import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileTool } from './read-file-tool';
import { createTestSandbox, type TestSandbox } from './test-sandbox';

describe('readFileTool', () => {
  let sandbox: TestSandbox;
  beforeEach(async () => {
    sandbox = await createTestSandbox();
  });
  afterEach(() => sandbox.remove());

  const read = (path: string, maxBytes?: number) =>
    readFileTool({ root: sandbox.root, ...(maxBytes ? { maxBytes } : {}) }).execute(
      { path },
      sandbox.context,
    );

  it('reads a text file by its path relative to the root', async () => {
    await expect(read('notes.txt')).resolves.toEqual({
      path: 'notes.txt',
      content: 'hello',
      bytes: 5,
    });
    await expect(read('./docs//readme.md')).resolves.toMatchObject({
      path: 'docs/readme.md',
      content: '# readme',
    });
  });

  it('follows symlinks that stay inside the root', async () => {
    await expect(read('link-inside')).resolves.toMatchObject({ content: '# readme' });
    await expect(read('dir-link-inside/readme.md')).resolves.toMatchObject({
      content: '# readme',
    });
  });

  it('follows symlinks whose targets climb with ".." or are absolute, while they stay inside', async () => {
    await symlink('../notes.txt', join(sandbox.root, 'docs', 'up'));
    await symlink('../dir-link-inside/./readme.md', join(sandbox.root, 'docs', 'sideways'));
    await symlink(join(sandbox.root, 'docs', 'readme.md'), join(sandbox.root, 'absolute'));
    await expect(read('docs/up')).resolves.toMatchObject({ content: 'hello' });
    await expect(read('docs/sideways')).resolves.toMatchObject({ content: '# readme' });
    await expect(read('absolute')).resolves.toMatchObject({ content: '# readme' });
  });

  it('accepts a root given through a symlink, and absolute links that name it either way', async () => {
    const alias = join(sandbox.base, 'alias');
    await symlink(sandbox.root, alias);
    await symlink(join(alias, 'notes.txt'), join(sandbox.root, 'via-alias'));
    const tool = readFileTool({ root: alias });
    for (const path of ['notes.txt', 'via-alias']) {
      await expect(tool.execute({ path }, sandbox.context)).resolves.toMatchObject({
        content: 'hello',
      });
    }
  });

  it('refuses a file over maxBytes without reading it', async () => {
    await writeFile(join(sandbox.root, 'big.txt'), 'x'.repeat(11));
    await expect(read('big.txt', 10)).rejects.toMatchObject({
      reason: 'too_large',
      message: '"big.txt" is 11 bytes, over the read limit of 10 bytes; it was not read.',
    });
    await expect(read('big.txt', 11)).resolves.toMatchObject({ bytes: 11 });
  });

  it('refuses binary and non-UTF-8 files', async () => {
    await writeFile(join(sandbox.root, 'image.png'), Buffer.from([0x89, 0x50, 0x00, 0x47]));
    await writeFile(join(sandbox.root, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    for (const path of ['image.png', 'latin1.txt']) {
      await expect(read(path)).rejects.toMatchObject({ reason: 'not_text' });
    }
  });

  it('says what to do with a directory or a missing file', async () => {
    await expect(read('docs')).rejects.toThrow(
      '"docs" is a directory; use list_directory to see its entries.',
    );
    await expect(read('missing/file.txt')).rejects.toThrow(
      '"missing/file.txt" does not exist in the sandbox: "missing" is missing.',
    );
    await expect(read('notes.txt/more')).rejects.toThrow('"notes.txt" is not a directory');
  });

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)(
    'refuses a named pipe instead of hanging on it',
    async () => {
      await mkdir(join(sandbox.root, 'pipes'));
      spawnSync('mkfifo', [join(sandbox.root, 'pipes', 'fifo')]);
      await expect(read('pipes/fifo')).rejects.toMatchObject({ reason: 'not_a_file' });
    },
  );

  it('says so when the sandbox root itself is missing, without its host path', async () => {
    const tool = readFileTool({ root: join(sandbox.base, 'nope') });
    const failure = tool.execute({ path: 'notes.txt' }, sandbox.context);
    await expect(failure).rejects.toThrow('The sandbox root is not an existing directory.');
    await expect(failure).rejects.not.toThrow(sandbox.base);
  });

  it('is pure and refuses bad options when it is defined', () => {
    expect(readFileTool({ root: sandbox.root }).effect).toBe('pure');
    expect(() => readFileTool({ root: '' })).toThrow('root must be the path of a directory');
    expect(() => readFileTool({ root: sandbox.root, maxBytes: -1 })).toThrow('maxBytes is -1');
  });

  it('refuses the file system root and a root that is a file, when it is defined', async () => {
    // Before, root '/' gave the model every file the process can read (/etc/passwd included).
    for (const root of ['/', '/..', '//']) {
      expect(() => readFileTool({ root })).toThrow(
        `readFileTool: root is the file system's root ("/")`,
      );
    }
    // A review found a symlink to / let through.
    await symlink('/', join(sandbox.base, 'everything'));
    expect(() => readFileTool({ root: join(sandbox.base, 'everything') })).toThrow(
      "readFileTool: root is the file system's root",
    );
    await writeFile(join(sandbox.root, 'notes.txt'), 'hello');
    expect(() => readFileTool({ root: join(sandbox.root, 'notes.txt') })).toThrow(
      /readFileTool: root ".*notes\.txt" is not a directory/,
    );
    // A root made after the tool is defined is opened by the call.
    const later = readFileTool({ root: join(sandbox.root, 'later') });
    await mkdir(join(sandbox.root, 'later'));
    await writeFile(join(sandbox.root, 'later', 'a.txt'), 'made later');
    await expect(later.execute({ path: 'a.txt' }, sandbox.context)).resolves.toMatchObject({
      content: 'made later',
    });
  });
});
