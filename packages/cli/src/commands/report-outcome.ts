import type { RunOutcome } from '@agentchart/core';
import { exitCodes } from '../exit-codes';
import { shellWord } from '../shell-word';
import { terminalWriter } from '../terminal-text';
import { formatUsage } from './format-figures';
import type { Writer } from './types';

/** How a command names itself again in the hints it prints (`--db …`, `--agent …`). */
export interface CommandHints {
  /** `--db …` to repeat, or '' when the default (or the environment) finds the database. */
  database: string;
  /** `--agent …` to repeat, or ''. */
  agent: string;
}

/** Failures of the deploy, not of the run: a thread stored by another version of a chart. */
const deployFaults = new Set(['checkpoint.version_mismatch', 'checkpoint.invalid_migration']);

/** The exit code for a run's outcome (see `exitCodes`). */
export function exitCodeOf(outcome: RunOutcome): number {
  switch (outcome.status) {
    case 'done':
      return exitCodes.ok;
    case 'waiting':
      return exitCodes.waiting;
    case 'failed':
      // A child agent's thread this deploy cannot restore (its chart changed without its
      // migrate) fails the run here only; the thread rests as it was stored. A usage error, as
      // is the same refusal of the thread itself.
      return deployFaults.has(outcome.error.code) ? exitCodes.usage : exitCodes.failed;
    case 'limit':
    case 'stopped':
      return exitCodes.limit;
  }
}

/** An outcome as the JSON `--json` prints: the outcome itself, plus the wake-up time when known. */
export function outcomeJson(outcome: RunOutcome, wakeAt?: number): Record<string, unknown> {
  return wakeAt === undefined ? { ...outcome } : { ...outcome, wakeAt };
}

/**
 * Prints a run's outcome for a person: its status and usage, then what it returned, why it
 * failed, or — when it waits — what it waits for and the command that continues it.
 */
export function printOutcome(
  terminal: Writer,
  outcome: RunOutcome,
  hints: CommandHints,
  wakeAt?: number,
): void {
  // The output, an error and a wait's prompt may quote what a page or a model wrote: escape
  // sequences in them are shown, never acted on.
  const out = terminalWriter(terminal);
  const { usage, threadId } = outcome;
  out.write(`${outcome.status}  thread ${threadId}: ${formatUsage(usage)}\n`);
  switch (outcome.status) {
    case 'done':
      out.write(`output  ${JSON.stringify(outcome.output ?? null)}\n`);
      return;
    case 'failed':
      out.write(`error   ${outcome.error.code}: ${outcome.error.message}\n`);
      return;
    case 'limit':
      out.write(
        `limit   ${outcome.limit.limit} reached (${outcome.limit.value} of ${outcome.limit.max})\n`,
      );
      return;
    case 'stopped':
      out.write(
        `The run was stopped; its checkpoint keeps it: agentchart resume ${shellWord(threadId)}${hints.agent}${hints.database}\n`,
      );
      return;
    case 'waiting':
      for (const wait of outcome.waits) {
        out.write(
          `waits   ${wait.waitId}: ${JSON.stringify(wait.prompt)}${untilText(wait.deadline, outcome.runDeadline)}\n`,
        );
      }
      if (outcome.waits.length > 0) {
        // Named even when it is the only wait: the same command run twice (a retry, the
        // shell's history) then answers nothing the second time, not the thread's next wait.
        out.write(
          `Answer with: agentchart send ${shellWord(threadId)} --reply '<json>' --wait-id ${shellWord(outcome.waits[0]!.waitId)}${hints.agent}${hints.database}\n`,
        );
        out.write(`(agentchart waits${hints.database} shows the reply's shape)\n`);
      } else if (wakeAt !== undefined) {
        out.write(
          `Its next timer is due at ${new Date(wakeAt).toISOString()}: agentchart worker${hints.agent}${hints.database} wakes it then.\n`,
        );
      }
      return;
  }
}

/**
 * How long a wait stays open: the earlier of its own deadline and the run's wall-time limit,
 * saying which — an approval's 24 h told a person there was a day to answer a thread its
 * `maxWallTimeMs` ended within minutes.
 */
function untilText(deadline: number | undefined, runDeadline: number | undefined): string {
  const at = (time: number) => new Date(time).toISOString();
  if (runDeadline !== undefined && (deadline === undefined || runDeadline < deadline)) {
    return ` (until ${at(runDeadline)}, when the run's wall-time limit, maxWallTimeMs, ends the thread${deadline === undefined ? '' : `; the wait's own deadline, ${at(deadline)}, is later`})`;
  }
  return deadline === undefined ? '' : ` (until ${at(deadline)}, the wait's deadline)`;
}
