import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory with a sandbox `root/` and a secret `outside/` beside it, for tests. */
export interface TestSandbox {
  base: string;
  root: string;
  outside: string;
  /** The tool call context tests pass to `execute`. */
  context: { signal: AbortSignal; idempotencyKey: string; threadId: string };
  remove(): Promise<void>;
}

/**
 * Builds, in a fresh temporary directory:
 *
 * ```
 * outside/secret.txt          "TOP SECRET"
 * root/notes.txt              "hello"
 * root/docs/readme.md         "# readme"
 * root/link-inside         -> docs/readme.md
 * root/dir-link-inside     -> docs
 * root/escape-file         -> ../outside/secret.txt
 * root/escape-dir          -> ../outside
 * root/escape-absolute     -> <absolute path of outside>
 * root/docs/escape-nested  -> ../../outside
 * ```
 */
export async function createTestSandbox(): Promise<TestSandbox> {
  const base = await mkdtemp(join(tmpdir(), 'agentchart-fs-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(join(root, 'docs'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'TOP SECRET');
  await writeFile(join(root, 'notes.txt'), 'hello');
  await writeFile(join(root, 'docs', 'readme.md'), '# readme');
  await symlink('docs/readme.md', join(root, 'link-inside'));
  await symlink('docs', join(root, 'dir-link-inside'));
  await symlink('../outside/secret.txt', join(root, 'escape-file'));
  await symlink('../outside', join(root, 'escape-dir'));
  await symlink(outside, join(root, 'escape-absolute'));
  await symlink('../../outside', join(root, 'docs', 'escape-nested'));
  return {
    base,
    root,
    outside,
    context: { signal: new AbortController().signal, idempotencyKey: 'key', threadId: 'thread' },
    remove: () => rm(base, { recursive: true, force: true }),
  };
}
