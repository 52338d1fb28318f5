import { AgentchartError } from '@agentchart/core';
import packageJson from '../package.json' with { type: 'json' };
import { CliError } from './cli-error';
import { commands, plannedCommands } from './commands/registry';
import type { CommandContext } from './commands/types';
import { exitCodeHelp, exitCodes } from './exit-codes';
import { terminalSafe } from './terminal-text';

const help = `Usage: agentchart <command> [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

Options:
  -h, --help       show this help; "agentchart <command> --help" for a command's
  -v, --version    show the version

The run database, for every command: --db <file|postgres-url>, else $AGENTCHART_DB, else
.agentchart/runs.db. The agent module (resume, send, worker, studio): --agent <module>, else
$AGENTCHART_AGENT.

${exitCodeHelp}
${Object.keys(plannedCommands).length > 0 ? `\nComing: ${Object.keys(plannedCommands).join(', ')}.\n` : ''}`;

/**
 * Runs `agentchart` with the arguments after the program name and resolves to the exit
 * code (see `exitCodes`: 0 done, 1 failed, 2 used wrongly, 3 waiting, 4 limit, 5 busy).
 * Errors a user can fix, the run database's among them (a directory, a device, a corrupt or
 * foreign file, a full disk), are printed as one line that says what to do, without a stack
 * trace. Everything printed is terminal-safe: a message quoting a thread id or a path cannot
 * carry an escape sequence or a line break to the terminal.
 */
export async function runCli(args: readonly string[], context: CommandContext): Promise<number> {
  try {
    return await dispatch(args, context);
  } catch (error) {
    if (error instanceof CliError) {
      const detail = error.detail.map((line) => `  ${terminalSafe(line)}\n`).join('');
      context.stderr.write(`agentchart: ${terminalSafe(error.message)}\n${detail}`);
      return error.exitCode;
    }
    if (isStoreError(error)) {
      context.stderr.write(`agentchart: ${terminalSafe(error.message)}\n`);
      // A database path that names a directory or a device is the user's to correct, as a
      // missing file is: a usage error in every command.
      return error.code === 'storage.not_a_file' ? exitCodes.usage : exitCodes.failed;
    }
    // A value that makes no sense (`--thread ''`, an agent module's option): its message says
    // what to give, so it is a usage error, not a stack trace.
    if (AgentchartError.isInstance(error) && error.code === 'definition.invalid_option') {
      context.stderr.write(`agentchart: ${terminalSafe(error.message)}\n`);
      return exitCodes.usage;
    }
    // Not the user's mistake: keep everything that helps to report it, line by line safe.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const code = AgentchartError.isInstance(error) ? ` (${terminalSafe(error.code)})` : '';
    const lines = detail.split('\n').map(terminalSafe).join('\n');
    context.stderr.write(`agentchart: unexpected error${code}\n${lines}\n`);
    return 1;
  }
}

/** An error of the run database (its file, its disk, its contents): the store says what to do. */
function isStoreError(error: unknown): error is AgentchartError {
  return AgentchartError.isInstance(error) && /^(checkpoint|storage)\./.test(error.code);
}

async function dispatch(args: readonly string[], context: CommandContext): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined) {
    context.stderr.write(help);
    return 2;
  }
  if (first === '-h' || first === '--help') {
    context.stdout.write(help);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    context.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  if (first === 'help') {
    const topic = rest[0];
    const command = commands.find((candidate) => candidate.name === topic);
    if (topic !== undefined && !command) throw unknownCommand(topic);
    context.stdout.write(command ? command.help : help);
    return 0;
  }
  if (first.startsWith('-')) {
    throw new CliError(
      'cli.usage',
      `Unknown option "${first}". Put the command first: agentchart <command> [options]. Run "agentchart --help" for the commands.`,
    );
  }
  const command = commands.find((candidate) => candidate.name === first);
  if (!command) throw unknownCommand(first);
  return command.run(rest, context);
}

function unknownCommand(name: string): CliError {
  const planned = plannedCommands[name];
  if (planned) {
    return new CliError(
      'cli.not_available',
      `"agentchart ${name}" is not available yet: ${planned}. Run "agentchart --help" for the commands there are.`,
    );
  }
  return new CliError(
    'cli.usage',
    `Unknown command "${name}". Commands: ${commands.map((command) => command.name).join(', ')}. Run "agentchart --help" for more.`,
  );
}
