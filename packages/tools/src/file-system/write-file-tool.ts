import { randomUUID } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, rename, unlink } from 'node:fs/promises';
import { defineTool, type Tool } from '@agentchart/core';
import { z } from 'zod';
import { type HandleScope, withHandleScope } from './handle-scope';
import { ioError } from './io-error';
import { isReadOnly } from './is-read-only';
import { openRegularFile, readWholeFile } from './open-regular-file';
import { pathInput } from './path-input';
import { refuseHardLink } from './refuse-hard-link';
import { SandboxError } from './sandbox-error';
import { sandboxOptions } from './sandbox-options';
import { displayPath, splitSandboxPath } from './sandbox-path';
import type { SandboxOptions } from './types';
import { verifyInsideRoot } from './verify-inside-root';
import { type SandboxEntry, walkInSandbox } from './walk-in-sandbox';

const writeFileInput = z.strictObject({
  path: pathInput,
  content: z.string().describe('The whole new content of the file, as UTF-8 text.'),
});
const writeFileOutput = z.object({ path: z.string(), bytes: z.number().int().nonnegative() });

/** The `write_file` tool's type. */
export type WriteFileTool = Tool<typeof writeFileInput, typeof writeFileOutput>;

const createFlags =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * A `write_file` tool confined to a sandbox root: it creates or replaces one UTF-8 text file
 * of at most `maxBytes`, creating missing parent directories. The path is walked from the
 * root through open directories; the content goes to a new temporary file created in the
 * directory so reached, checked to be inside the root by its descriptor, then renamed over
 * the target in that same directory, so a reader never sees half a file and a directory
 * swapped for a symlink mid-call cannot lead the write outside. A hard-linked or read-only
 * target is refused unless the options allow it. Writing the same content twice leaves the
 * same state (the second write changes nothing), so `idempotent`.
 *
 * @example
 * ```ts
 * const write = writeFileTool({ root: './workspace', maxBytes: 256 * 1024 });
 * ```
 */
export function writeFileTool(options: SandboxOptions): WriteFileTool {
  const { root, maxBytes, allowHardLinks, replaceReadOnlyFiles } = sandboxOptions(
    'writeFileTool',
    options,
  );
  return defineTool({
    name: 'write_file',
    description: `Creates or replaces a UTF-8 text file in the sandbox with the given content (at most ${maxBytes} bytes), creating missing directories. Paths are relative to the sandbox root.`,
    input: writeFileInput,
    output: writeFileOutput,
    effect: 'idempotent',
    timeoutMs: 10_000,
    execute: async ({ path, content }, { signal }) => {
      const segments = splitSandboxPath(path);
      const data = Buffer.from(content, 'utf8');
      const shown = displayPath(segments);
      if (segments.length === 0) {
        throw new SandboxError(
          'not_a_file',
          shown,
          'The sandbox root is a directory; give a file path to write.',
        );
      }
      if (data.length > maxBytes) {
        throw new SandboxError(
          'too_large',
          shown,
          `The content for "${shown}" is ${data.length} bytes, over the write limit of ${maxBytes} bytes; nothing was written.`,
        );
      }
      const notRegular = (isDirectory: boolean) =>
        new SandboxError(
          'not_a_file',
          shown,
          `"${shown}" exists and is not a regular file (${isDirectory ? 'a directory' : 'a device, socket or pipe'}); it was not replaced.`,
        );
      return withHandleScope(async (scope) => {
        try {
          const entry = await walkInSandbox(scope, root, segments, {
            allowMissingLeaf: true,
            createDirectories: true,
          });
          signal.throwIfAborted();
          const { name, stats: existing } = entry;
          if (name === undefined) throw notRegular(true);
          if (existing && !existing.isFile()) throw notRegular(existing.isDirectory());
          if (existing) {
            refuseHardLink(existing, shown, allowHardLinks);
            if (!replaceReadOnlyFiles && isReadOnly(existing)) throw readOnly(shown, existing);
            if (
              existing.size === data.length &&
              (await hasContent(scope, entry, existing, data, { allowHardLinks, notRegular }))
            ) {
              return { path: shown, bytes: data.length };
            }
          }
          await replaceEntry(scope, entry, name, data, existing?.mode ?? 0o666);
          return { path: shown, bytes: data.length };
        } catch (error) {
          throw signal.aborted ? error : ioError(error, shown);
        }
      });
    },
  });
}

/** True when the entry is still the file `existing` describes and holds exactly `data`. */
async function hasContent(
  scope: HandleScope,
  entry: SandboxEntry,
  existing: Stats,
  data: Buffer,
  options: Parameters<typeof openRegularFile>[2],
): Promise<boolean> {
  const { handle, stats } = await openRegularFile(scope, entry, options);
  // Another file put in its place since it was looked at: replaced, not compared.
  if (stats.ino !== existing.ino || stats.dev !== existing.dev) return false;
  if (stats.size !== data.length) return false;
  return data.equals(await readWholeFile(handle, stats.size, entry.shown));
}

/**
 * Creates a temporary file in the entry's open directory, checks by its descriptor that it
 * is inside the root, writes it, and renames it over the entry in that same directory. A
 * file found outside after either step is removed and the call refused.
 */
async function replaceEntry(
  scope: HandleScope,
  { root, directory, shown }: SandboxEntry,
  name: string,
  data: Buffer,
  mode: number,
): Promise<void> {
  // Never create anything outside: the directory it goes in must be inside now.
  await verifyInsideRoot(root, directory.fd, shown);
  // The name is cut so that with the suffix it stays under NAME_MAX (255 bytes).
  const temporary = `${directory.path}/.${name.slice(0, 64)}.${randomUUID()}.tmp`;
  const target = `${directory.path}/${name}`;
  let pending: string | undefined;
  try {
    const handle = await scope.open(temporary, createFlags, mode & 0o777);
    pending = temporary;
    await verifyInsideRoot(root, handle.fd, shown);
    await handle.writeFile(data);
    await handle.datasync();
    await rename(temporary, target);
    pending = undefined;
    try {
      await verifyInsideRoot(root, handle.fd, shown);
    } catch (error) {
      // The directory was moved out of the root between the check and the rename.
      const written = await handle.stat();
      const there = await lstat(target).catch(() => undefined);
      if (there?.ino === written.ino && there.dev === written.dev) pending = target;
      throw error;
    }
  } catch (error) {
    if (pending) await unlink(pending).catch(() => {});
    throw error;
  }
}

function readOnly(shown: string, stats: Stats): SandboxError {
  const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
  return new SandboxError(
    'read_only',
    shown,
    `"${shown}" is read-only (mode ${mode}); it was not replaced. The operator can let write_file replace read-only files with the replaceReadOnlyFiles option.`,
  );
}
