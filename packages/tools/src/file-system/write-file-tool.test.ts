import { chmod, mkdir, readdir, readFile, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestSandbox, type TestSandbox } from './test-sandbox';
import { writeFileTool } from './write-file-tool';

describe('writeFileTool', () => {
  let sandbox: TestSandbox;
  beforeEach(async () => {
    sandbox = await createTestSandbox();
  });
  afterEach(() => sandbox.remove());

  const write = (path: string, content: string, maxBytes?: number) =>
    writeFileTool({ root: sandbox.root, ...(maxBytes ? { maxBytes } : {}) }).execute(
      { path, content },
      sandbox.context,
    );
  const contentOf = (...path: string[]) => readFile(join(sandbox.root, ...path), 'utf8');

  it('creates a file and its missing directories', async () => {
    await expect(write('reports/2025/q1.md', '# Q1')).resolves.toEqual({
      path: 'reports/2025/q1.md',
      bytes: 4,
    });
    expect(await contentOf('reports', '2025', 'q1.md')).toBe('# Q1');
  });

  it('creates a deep chain of missing directories and writes a file with a long name', async () => {
    const deep = `${'d/'.repeat(60)}${'n'.repeat(250)}`;
    await expect(write(deep, 'deep')).resolves.toEqual({ path: deep, bytes: 4 });
    expect(await contentOf(...deep.split('/'))).toBe('deep');
  });

  it('is idempotent: the same content twice leaves the file untouched', async () => {
    const tool = writeFileTool({ root: sandbox.root });
    expect(tool.effect).toBe('idempotent');
    await write('out.txt', 'same');
    const first = await stat(join(sandbox.root, 'out.txt'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await write('out.txt', 'same');
    const second = await stat(join(sandbox.root, 'out.txt'));
    expect(second.ino).toBe(first.ino);
    expect(second.mtimeMs).toBe(first.mtimeMs);
  });

  it('replaces a file whole, keeping its permissions and leaving no temporary file', async () => {
    await chmod(join(sandbox.root, 'notes.txt'), 0o600);
    await write('notes.txt', 'replaced');
    expect(await contentOf('notes.txt')).toBe('replaced');
    expect((await stat(join(sandbox.root, 'notes.txt'))).mode & 0o777).toBe(0o600);
    expect((await readdir(sandbox.root)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('does not replace a read-only file (issue 10)', async () => {
    await chmod(join(sandbox.root, 'notes.txt'), 0o444);
    await expect(write('notes.txt', 'replaced')).rejects.toMatchObject({
      reason: 'read_only',
      message:
        '"notes.txt" is read-only (mode 0444); it was not replaced. The operator can let write_file replace read-only files with the replaceReadOnlyFiles option.',
    });
    expect(await contentOf('notes.txt')).toBe('hello');
  });

  it('replaces a read-only file when replaceReadOnlyFiles is set, keeping it read-only', async () => {
    await chmod(join(sandbox.root, 'notes.txt'), 0o444);
    const tool = writeFileTool({ root: sandbox.root, replaceReadOnlyFiles: true });
    await tool.execute({ path: 'notes.txt', content: 'replaced' }, sandbox.context);
    expect(await contentOf('notes.txt')).toBe('replaced');
    expect((await stat(join(sandbox.root, 'notes.txt'))).mode & 0o777).toBe(0o444);
  });

  it('writes through a symlink inside the root to its target', async () => {
    await write('link-inside', 'new readme');
    expect(await contentOf('docs', 'readme.md')).toBe('new readme');
  });

  it('caps the content in bytes, not characters, and writes nothing over the cap', async () => {
    await expect(write('accents.txt', 'é'.repeat(6), 10)).rejects.toMatchObject({
      reason: 'too_large',
      message:
        'The content for "accents.txt" is 12 bytes, over the write limit of 10 bytes; nothing was written.',
    });
    await expect(stat(join(sandbox.root, 'accents.txt'))).rejects.toThrow('ENOENT');
    await expect(write('accents.txt', 'é'.repeat(5), 10)).resolves.toEqual({
      path: 'accents.txt',
      bytes: 10,
    });
  });

  it('refuses to replace the root or a directory', async () => {
    await expect(write('.', 'x')).rejects.toMatchObject({ reason: 'not_a_file' });
    await expect(write('docs', 'x')).rejects.toThrow(
      '"docs" exists and is not a regular file (a directory); it was not replaced.',
    );
  });

  it('refuses a dangling symlink rather than creating its target', async () => {
    await mkdir(join(sandbox.root, 'links'));
    await symlink('../../outside/new.txt', join(sandbox.root, 'links', 'dangling'));
    await expect(write('links/dangling', 'x')).rejects.toThrow(/symlink|escapes/);
    await expect(stat(join(sandbox.outside, 'new.txt'))).rejects.toThrow('ENOENT');
  });
});
