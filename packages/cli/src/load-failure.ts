import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './cli-error';

/**
 * A stack frame's location, `at fn (/abs/my agents/file.ts:2:41)` or `at file:///abs/file.mjs:2:33`
 * (or `node:…`): a path may hold spaces and parentheses, so it is what lies between the
 * frame's opening parenthesis, if any, and its line and column.
 */
const frameLocation = /^\s+at (?:async )?(?:[^(]*? \()?(.+?):(\d+):(\d+)\)?$/;

/**
 * The error a command reports when a module the user named (an agent, eval or studio module)
 * fails to load: it throws while loading, or does not compile. Its message is the module's
 * own, each of its lines on a line of the output (a compile error names the file and line on
 * its second), and under it where the user's code threw: the first frame of the stack that
 * is neither Node's nor a package's, before the module loader's own. Before, only the first
 * line's text was printed, its line breaks as `\n`: `Cannot read properties of undefined
 * (reading 'model')` named no file at all.
 */
export function loadFailure(file: string, error: unknown, cwd: string): CliError {
  const message = error instanceof Error ? error.message : String(error);
  const [first = '', ...rest] = message.split('\n');
  const thrownAt = error instanceof Error ? userFrame(error.stack, cwd) : undefined;
  return new CliError('cli.load_failed', `Could not load ${file}: ${first}`, error, [
    ...rest,
    ...(thrownAt === undefined ? [] : [`at ${thrownAt}`]),
  ]);
}

/** The first frame in the user's own files, relative to `cwd` when inside it. */
function userFrame(stack: string | undefined, cwd: string): string | undefined {
  for (const line of stack?.split('\n') ?? []) {
    // Past here the frames are the loader's, then the command's own.
    if (line.includes('node:internal/modules/')) return undefined;
    const match = frameLocation.exec(line);
    if (!match) continue;
    const [, where, row, column] = match;
    if (where!.startsWith('node:')) continue;
    const path = where!.startsWith('file://') ? fileURLToPath(where!) : where!;
    if (!isAbsolute(path) || path.split(/[\\/]/).includes('node_modules')) continue;
    const shown = relative(cwd, path);
    return `${shown.startsWith('..') || isAbsolute(shown) ? path : shown}:${row}:${column}`;
  }
  return undefined;
}
