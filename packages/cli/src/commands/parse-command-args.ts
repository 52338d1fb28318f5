import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closestName } from '@agentchart/core/internal';
import { CliError } from '../cli-error';

/**
 * `parseArgs` in strict mode, with its errors (unknown option, missing value, extra
 * argument) turned into usage errors that point to the command's help.
 */
export function parseCommandArgs<TOptions extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: readonly string[],
  options: TOptions,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's first sentence says what is wrong; the rest is about `--`, rarely the point.
    const message = `${(error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '')}.`;
    throw new CliError(
      'cli.usage',
      `${message}${suggestion((error as { code?: string }).code, (error as Error).message, options)} Run "agentchart ${command} --help" for its usage.`,
      error,
    );
  }
}

/** For a misspelt flag (`--stauts`), the one meant: " Did you mean --status?". */
function suggestion(code: string | undefined, message: string, options: object): string {
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return '';
  const given = /'--?([^'\s]+)'/.exec(message)?.[1];
  const meant = given === undefined ? undefined : closestName(given, Object.keys(options));
  return meant === undefined ? '' : ` Did you mean --${meant}?`;
}
