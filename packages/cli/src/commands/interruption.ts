import { CliError } from '../cli-error';
import type { CommandContext } from './types';

/** A stop asked for (SIGINT, SIGTERM), heard from the moment it was made. */
export interface Interruption {
  /** Resolves once the user asks the command to stop, even if they asked before it was awaited. */
  readonly asked: Promise<void>;
  /** Stops listening: the signal's default (ending the process) applies again. */
  stop(): void;
}

/**
 * Starts listening for the user's stop now, for a command that runs until stopped. Made
 * before the command starts what it must hand back: a worker that took SIGTERM while starting
 * (connecting, creating its queues) was killed by it, with no hand-back of the jobs it had
 * begun to take.
 *
 * @throws CliError `cli.usage` when the context cannot be interrupted.
 */
export function listenForInterruption(command: string, context: CommandContext): Interruption {
  if (!context.onInterrupt) {
    throw new CliError(
      'cli.usage',
      `agentchart ${command} runs until interrupted; this context cannot be interrupted (use --once).`,
    );
  }
  let heard: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => {
    heard = resolve;
  });
  const stop = context.onInterrupt(() => {
    stop();
    heard();
  });
  return { asked, stop };
}
