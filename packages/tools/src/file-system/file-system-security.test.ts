import { spawnSync } from 'node:child_process';
import { link, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSystemTools } from './file-system-tools';
import { withHandleScope } from './handle-scope';
import { openRegularFile, readWholeFile } from './open-regular-file';
import { SandboxError } from './sandbox-error';
import { createTestSandbox, type TestSandbox } from './test-sandbox';
import { walkInSandbox } from './walk-in-sandbox';

/** Runs one call and returns the SandboxError it was refused with. */
async function refusal(call: Promise<unknown>): Promise<SandboxError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

describe('file-system tools security', () => {
  let sandbox: TestSandbox;
  beforeEach(async () => {
    sandbox = await createTestSandbox();
  });
  afterEach(() => sandbox.remove());

  /** One call of every tool (write included) with one path, to start in turn. */
  const callEach = (path: string): (() => Promise<unknown>)[] => {
    const [read, list, write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
    return [
      () => read.execute({ path }, sandbox.context),
      () => list.execute({ path }, sandbox.context),
      () => write!.execute({ path, content: 'pwned' }, sandbox.context),
    ];
  };

  /** The outside directory is exactly as the fixture made it. */
  const expectOutsideUntouched = async () => {
    expect(await readdir(sandbox.outside)).toEqual(['secret.txt']);
    expect(await readFile(join(sandbox.outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET');
  };

  describe('path traversal', () => {
    it.each([
      ['..', 'contains "..", which could leave the sandbox root'],
      ['../outside/secret.txt', 'contains "..", which could leave the sandbox root'],
      ['docs/../../outside/secret.txt', 'contains "..", which could leave the sandbox root'],
      ['docs/..', 'contains "..", which could leave the sandbox root'],
      ['./../outside', 'contains "..", which could leave the sandbox root'],
      ['/etc/passwd', 'is absolute'],
      ['//server/share/file', 'is absolute'],
      ['..\\outside\\secret.txt', 'contains a backslash'],
      ['docs\\..\\..\\outside', 'contains a backslash'],
      ['C:\\Windows\\win.ini', 'contains a backslash'],
      ['C:/Windows/win.ini', 'starts with a drive letter'],
      ['notes.txt\0.png', 'contains a NUL byte'],
      ['\0', 'contains a NUL byte'],
      ['docs\nreadme.md', 'contains a control character'],
      ['docs/\u001b[2Jreadme.md', 'contains a control character'],
    ])('refuses %j in every tool: it %s', async (path, why) => {
      for (const call of callEach(path)) {
        const error = await refusal(call());
        expect(error.reason).toBe('invalid_path');
        expect(error.message).toBe(
          `Path ${JSON.stringify(path)} refused: it ${why}. Give a path relative to the sandbox root, with "/" between names, e.g. "notes/todo.md" ("." is the root).`,
        );
      }
      await expectOutsideUntouched();
    });

    it('refuses the absolute path of a file outside the root', async () => {
      const error = await refusal(callEach(join(sandbox.outside, 'secret.txt'))[0]!());
      expect(error.reason).toBe('invalid_path');
    });

    it('treats encoded dots and shell syntax as literal names inside the root', async () => {
      const [read, , write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
      const error = await refusal(
        read.execute({ path: '%2e%2e/outside/secret.txt' }, sandbox.context),
      );
      expect(error.reason).toBe('not_found');
      for (const name of ['-rf', '--help', '$(touch pwned)', '`id`', '; rm -rf ~', '~', '*']) {
        await write!.execute({ path: name, content: name }, sandbox.context);
        expect(await readFile(join(sandbox.root, name), 'utf8')).toBe(name);
      }
      await expect(stat(join(sandbox.root, 'pwned'))).rejects.toThrow('ENOENT');
      await expectOutsideUntouched();
    });
  });

  describe('symlink escape', () => {
    it.each([
      ['escape-file', 'escape-file'],
      ['escape-dir/secret.txt', 'escape-dir'],
      ['escape-dir', 'escape-dir'],
      ['escape-absolute/secret.txt', 'escape-absolute'],
      ['docs/escape-nested/secret.txt', 'docs/escape-nested'],
      ['dir-link-inside/escape-nested/secret.txt', 'dir-link-inside/escape-nested'],
      ['escape-dir/new.txt', 'escape-dir'],
    ])('refuses %j in every tool: it leaves through %j', async (path, link) => {
      for (const call of callEach(path)) {
        const error = await refusal(call());
        expect(error.reason).toBe('outside_root');
        expect(error.message).toBe(
          `"${path}" refused: the path escapes the sandbox root through the symlink "${link}", which points outside it.`,
        );
      }
      await expectOutsideUntouched();
    });

    it('refuses a symlink swapped in for a parent directory between calls', async () => {
      const [read, , write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
      await write!.execute({ path: 'work/a.txt', content: 'inside' }, sandbox.context);
      await writeFile(join(sandbox.outside, 'a.txt'), 'outside');
      await rename(join(sandbox.root, 'work'), join(sandbox.root, 'work-old'));
      await symlink(sandbox.outside, join(sandbox.root, 'work'));

      const readError = await refusal(read.execute({ path: 'work/a.txt' }, sandbox.context));
      expect(readError.reason).toBe('outside_root');
      const writeError = await refusal(
        write!.execute({ path: 'work/b.txt', content: 'pwned' }, sandbox.context),
      );
      expect(writeError.reason).toBe('outside_root');
      expect((await readdir(sandbox.outside)).sort()).toEqual(['a.txt', 'secret.txt']);
      expect(await readFile(join(sandbox.outside, 'a.txt'), 'utf8')).toBe('outside');
    });

    it('keeps to the directory it opened when the path is swapped for a symlink afterwards', async () => {
      const [, , write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
      await write!.execute({ path: 'work/a.txt', content: 'inside' }, sandbox.context);
      await writeFile(join(sandbox.outside, 'a.txt'), 'outside');
      await withHandleScope(async (scope) => {
        const entry = await walkInSandbox(scope, sandbox.root, ['work', 'a.txt']);
        // The race: the walked path now leads outside; the open directory does not.
        await rename(join(sandbox.root, 'work'), join(sandbox.root, 'work-old'));
        await symlink(sandbox.outside, join(sandbox.root, 'work'));
        const { handle, stats } = await openRegularFile(scope, entry, {
          allowHardLinks: false,
          notRegular: () => new SandboxError('not_a_file', 'work/a.txt', 'not a file'),
        });
        expect((await readWholeFile(handle, stats.size, 'work/a.txt')).toString()).toBe('inside');
      });
    });

    it('refuses what it opened once a directory on the way was moved out of the root', async () => {
      const [, , write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
      await write!.execute({ path: 'work/a.txt', content: 'inside' }, sandbox.context);
      await withHandleScope(async (scope) => {
        const entry = await walkInSandbox(scope, sandbox.root, ['work', 'a.txt']);
        await rename(join(sandbox.root, 'work'), join(sandbox.outside, 'work'));
        const error = await refusal(
          openRegularFile(scope, entry, {
            allowHardLinks: false,
            notRegular: () => new SandboxError('not_a_file', 'work/a.txt', 'not a file'),
          }),
        );
        expect(error.reason).toBe('changed_during_call');
        expect(error.message).toBe(
          '"work/a.txt" was refused: what it opened is not inside the sandbox root (a directory on its path was moved out) while it was being used (something is renaming or replacing files in the sandbox). Try again when the sandbox is not being changed.',
        );
      });
    });

    it('refuses a symlink loop with a message, not a crash', async () => {
      await symlink('loop', join(sandbox.root, 'loop'));
      const error = await refusal(callEach('loop/x')[0]!());
      expect(error.reason).toBe('io_error');
      expect(error.message).toBe(
        '"loop/x" could not be accessed: too many symlinks on the path (ELOOP).',
      );
    });
  });

  describe('hard links', () => {
    const hardLinkMessage = (path: string) =>
      `"${path}" was refused: it is a hard link (the file has 2 names), and another of its names may be outside the sandbox root. Use a copy of the file; the operator can allow hard links with the allowHardLinks option.`;

    it('refuses to read a hard link to a file outside the root (issue 10)', async () => {
      await link(join(sandbox.outside, 'secret.txt'), join(sandbox.root, 'linked.txt'));
      const [read] = fileSystemTools({ root: sandbox.root });
      const error = await refusal(read.execute({ path: 'linked.txt' }, sandbox.context));
      expect(error.reason).toBe('hard_link');
      expect(error.message).toBe(hardLinkMessage('linked.txt'));
    });

    it('refuses to replace a hard-linked file (issue 10)', async () => {
      await link(join(sandbox.outside, 'secret.txt'), join(sandbox.root, 'linked.txt'));
      const [, , write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
      const error = await refusal(
        write!.execute({ path: 'linked.txt', content: 'pwned' }, sandbox.context),
      );
      expect(error.reason).toBe('hard_link');
      expect(error.message).toBe(hardLinkMessage('linked.txt'));
      const [outside, inside] = await Promise.all([
        stat(join(sandbox.outside, 'secret.txt')),
        stat(join(sandbox.root, 'linked.txt')),
      ]);
      expect(inside.ino).toBe(outside.ino);
      await expectOutsideUntouched();
    });

    it('reads and replaces hard links when allowHardLinks is set, never writing through them', async () => {
      await link(join(sandbox.outside, 'secret.txt'), join(sandbox.root, 'linked.txt'));
      const [read, , write] = fileSystemTools({
        root: sandbox.root,
        allowWrite: true,
        allowHardLinks: true,
      });
      await expect(read.execute({ path: 'linked.txt' }, sandbox.context)).resolves.toMatchObject({
        content: 'TOP SECRET',
      });
      await write!.execute({ path: 'linked.txt', content: 'replaced' }, sandbox.context);
      expect(await readFile(join(sandbox.root, 'linked.txt'), 'utf8')).toBe('replaced');
      await expectOutsideUntouched();
    });
  });

  describe('special files', () => {
    const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

    it.skipIf(!hasMkfifo)(
      'refuses a FIFO in place of a file to write, without opening it',
      async () => {
        spawnSync('mkfifo', [join(sandbox.root, 'pipe')]);
        const [, , write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
        const error = await refusal(
          write!.execute({ path: 'pipe', content: 'x' }, sandbox.context),
        );
        expect(error.message).toBe(
          '"pipe" exists and is not a regular file (a device, socket or pipe); it was not replaced.',
        );
      },
    );

    // Making a device node needs root, which the test machines are.
    it.skipIf(process.getuid?.() !== 0)('refuses a device in the root in every tool', async () => {
      expect(spawnSync('mknod', [join(sandbox.root, 'zero'), 'c', '1', '5']).status).toBe(0);
      const [read, list, write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
      expect((await refusal(read.execute({ path: 'zero' }, sandbox.context))).reason).toBe(
        'not_a_file',
      );
      expect((await refusal(list.execute({ path: 'zero' }, sandbox.context))).reason).toBe(
        'not_a_directory',
      );
      expect(
        (await refusal(write!.execute({ path: 'zero', content: 'x' }, sandbox.context))).reason,
      ).toBe('not_a_file');
    });
  });

  describe('argument injection', () => {
    it('refuses arguments beyond the contract, such as a root of its own', () => {
      const [read, list, write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
      for (const tool of [read, list]) {
        expect(tool.input.safeParse({ path: 'notes.txt', root: '/' }).success).toBe(false);
        expect(tool.input.safeParse({ path: ['..', 'outside'] }).success).toBe(false);
        expect(tool.input.safeParse({ path: '' }).success).toBe(false);
      }
      expect(
        write!.input.safeParse({ path: 'a', content: 'b', allowWrite: true, maxBytes: 1e9 })
          .success,
      ).toBe(false);
    });

    it('offers write_file only when writing was granted', () => {
      const readOnly = fileSystemTools({ root: sandbox.root });
      expect(readOnly.map((tool) => [tool.name, tool.effect])).toEqual([
        ['read_file', 'pure'],
        ['list_directory', 'pure'],
      ]);
      const writable = fileSystemTools({ root: sandbox.root, allowWrite: true });
      expect(writable.map((tool) => tool.name)).toEqual([
        'read_file',
        'list_directory',
        'write_file',
      ]);
    });
  });

  it('never puts the host path of the root in a message', async () => {
    for (const path of ['escape-dir/secret.txt', 'missing/x', 'loop/x', '..', 'notes.txt/x']) {
      for (const call of callEach(path)) {
        const message = await call().then(
          () => '',
          (thrown: Error) => thrown.message,
        );
        expect(message).not.toContain(sandbox.base);
      }
    }
  });
});
