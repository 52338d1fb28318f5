import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closestName } from '@agentchart/core/internal';
import { CliError } from '../cli-error';
import { shellWord } from '../shell-word';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The options of every command that loads an agent module and opens a run database (`stop`,
 * `send`, `resume`, `show`, `waits`): spelt, and given short forms, alike in each.
 */
export const agentAndStoreOptions = {
  agent: { type: 'string', short: 'a' },
  export: { type: 'string', short: 'e' },
  db: { type: 'string', short: 'd' },
  schema: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `parseArgs` in strict mode, with its errors (unknown option, missing value, extra
 * argument) turned into usage errors that point to the command's help. `--` ends the options,
 * so an argument that begins with `-` (a thread id `-7`) is given after it; `positional`
 * names what a command's arguments are (`a thread id`) for an unknown option that may be one.
 */
export function parseCommandArgs<TOptions extends Options>(
  command: string,
  args: readonly string[],
  options: TOptions,
  positional?: string,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's first sentence says what is wrong; its remedy is written for the program's
    // author (`-- "-a"`, `--thread=-XYZ`), so the remedy is written here with the user's words.
    const message = `${(error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '')}.`;
    const code = (error as { code?: string }).code;
    const written = /'(--?[^'\s]+)'/.exec((error as Error).message)?.[1];
    throw new CliError(
      'cli.usage',
      `${message}${remedy(command, code, written, args, options, positional)} Run "agentchart ${command} --help" for its usage.`,
      error,
    );
  }
}

/**
 * What to do about a parse error, with a leading space, or ''. A misspelt flag (`--stauts`):
 * " Did you mean --status?"; an unknown option that may be the command's argument (`-7`),
 * also how to give it after `--`. A value that begins with `-` (`--thread -7`): `--thread=-7`.
 */
function remedy(
  command: string,
  code: string | undefined,
  written: string | undefined,
  args: readonly string[],
  options: Options,
  positional: string | undefined,
): string {
  if (written === undefined) return '';
  const end = args.indexOf('--');
  const given = end === -1 ? args : args.slice(0, end);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    // Only a long flag is a word to match: of `-7x`, Node names `-7`, one letter of a group.
    const meant = written.startsWith('--')
      ? closestName(written.slice(2), Object.keys(options))
      : undefined;
    const flag = meant === undefined ? '' : ` Did you mean --${meant}?`;
    const word = given.find((arg) => arg.startsWith(written));
    if (positional === undefined || word === undefined) return flag;
    return `${flag} If "${word}" is ${positional}, give it after "--", which ends the options: agentchart ${command} [options] -- ${shellWord(word)}.`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // Node refuses `--thread -7` as ambiguous: `-7` may be an option given by mistake.
    const value = given[given.indexOf(written) + 1];
    if (value === undefined || !value.startsWith('-')) return '';
    const name = written.startsWith('--')
      ? written.slice(2)
      : Object.keys(options).find((key) => `-${options[key]!.short}` === written);
    if (name === undefined) return '';
    return ` If "${value}" is its value, join them with "=": --${name}=${shellWord(value)}.`;
  }
  return '';
}
