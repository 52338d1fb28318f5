import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { headOf } from '@agentchart/core/internal';
import { CliError } from '../cli-error';
import type { CommandContext } from './types';

/** How each JSON argument is written, quoted for the shell: what an error shows. */
const examples: Record<string, string> = {
  input: `--input '{"ticket":"refund"}'`,
  reply: `--reply '{"approved":true}'`,
  event: `'{"type":"cancel"}'`,
};

/**
 * A JSON value given on the command line: the JSON text itself, or `@file` for a file that
 * holds it (`@-` is not supported: commands read no standard input).
 */
export async function readJsonArgument(
  text: string,
  what: string,
  context: CommandContext,
): Promise<unknown> {
  let source = text;
  let origin = `${what} ${JSON.stringify(text.length > 60 ? `${headOf(text, 57)}...` : text)}`;
  if (text.startsWith('@')) {
    const path = resolve(context.cwd, text.slice(1));
    try {
      source = await readFile(path, 'utf8');
    } catch (error) {
      throw new CliError(
        'cli.file_not_found',
        `Could not read ${what} from ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
        error,
      );
    }
    origin = `${what} in ${path}`;
  }
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new CliError(
      'cli.usage',
      `The ${origin} is not JSON (${(error as Error).message}). Quote it for the shell, e.g. ${examples[what] ?? examples.input}, or give @file.json.`,
      error,
    );
  }
}
