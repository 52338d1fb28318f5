import {
  type Agent,
  AgentchartError,
  type RunHandle,
  type RunOutcome,
  type SerializedError,
} from '@agentchart/core';
import { CliError } from '../cli-error';
import { exitCodes } from '../exit-codes';
import { jsonForTerminal } from '../terminal-text';
import { heldThreadError } from './held-thread';
import { printProgress } from './progress';
import { type CommandHints, exitCodeOf, outcomeJson, printOutcome } from './report-outcome';
import { shellWord } from './run-database';
import type { CommandContext } from './types';

/** Options of {@link driveRun}. */
export interface DriveRunOptions {
  agent: Agent;
  /** Starts, resumes or sends to the thread; resolves to its live run. */
  begin: () => RunHandle | Promise<RunHandle>;
  threadId: string;
  context: CommandContext;
  json: boolean;
  quiet: boolean;
  hints: CommandHints;
  /** `begin` starts a new thread: a refusal for a held id has no thread to resume. */
  starting?: boolean;
  /** `begin` is a forced resume: a refusal says who took the thread first, not to force it. */
  forced?: boolean;
}

/** How long an interrupted command lets working runs come to rest before handing them back. */
const interruptGraceMs = 5_000;

/**
 * Drives one thread to its next rest for a command: progress on stderr, the outcome on
 * stdout (as text or JSON), the exit code from the outcome. On SIGINT or SIGTERM the agent
 * is closed: the run is handed back to the store as it is, resumable here or elsewhere.
 */
export async function driveRun({
  agent,
  begin,
  threadId,
  context,
  json,
  quiet,
  hints,
  starting = false,
  forced = false,
}: DriveRunOptions): Promise<number> {
  const stopProgress = json || quiet ? () => {} : printProgress(agent, context.stderr);
  let interrupted: 'SIGINT' | 'SIGTERM' | undefined;
  const stopListening = context.onInterrupt?.((signal) => {
    if (interrupted) {
      // A second Ctrl-C: no more waiting for the step in flight (an unsafe tool still keeps
      // the thread until it returns, so it is not run twice).
      context.stderr.write(`\n${signal} again: handing thread ${threadId} back now…\n`);
      void agent.close({ timeoutMs: 0 });
      return;
    }
    interrupted = signal;
    context.stderr.write(
      `\n${signal}: handing thread ${threadId} back to the store (waiting up to ${interruptGraceMs / 1000} s for the step in flight; interrupt again to stop waiting)…\n`,
    );
    void agent.close({ timeoutMs: interruptGraceMs });
  });
  // The error as the agent's events carry it: redacted, like the progress line that showed
  // it and the run log. The live outcome's error may quote a credential a tool was refused with.
  let endedWith: SerializedError | undefined;
  const stopWatchingEnd = agent.events.on('run.end', (event) => {
    if (event.threadId === threadId) endedWith = event.error;
  });
  try {
    let outcome: RunOutcome;
    try {
      const handle = await begin();
      const live = await handle.result();
      outcome = live.status === 'failed' && endedWith ? { ...live, error: endedWith } : live;
    } catch (error) {
      throw (
        (await lateReplyError(agent, error, threadId, hints)) ??
        toCliError(error, threadId, hints, { starting, forced })
      );
    }
    if (interrupted) {
      await agent.close();
      const message = `Interrupted. Thread ${threadId} is kept as it was; continue it with: agentchart resume ${shellWord(threadId)}${hints.agent}${hints.database}`;
      if (json) context.stdout.write(`${JSON.stringify({ threadId, status: 'interrupted' })}\n`);
      context.stderr.write(`${message}\n`);
      return interrupted === 'SIGINT' ? exitCodes.interrupted : 143;
    }
    const wakeAt =
      outcome.status === 'waiting' ? (await agent.getCheckpoint(threadId))?.wakeAt : undefined;
    if (json) context.stdout.write(`${jsonForTerminal(outcomeJson(outcome, wakeAt))}\n`);
    else printOutcome(context.stdout, outcome, hints, wakeAt);
    return exitCodeOf(outcome);
  } finally {
    stopWatchingEnd();
    stopListening?.();
    stopProgress();
    await agent.close();
  }
}

/** Core's errors a user can act on, as CLI errors that say what to do. */
/**
 * A reply refused for coming after its wait's deadline, to a thread the send already drove
 * to its end along the timeout path (restoring it woke it past the deadline): saying "drive
 * it on with resume" then sent the user to a command that answers "already ended".
 */
async function lateReplyError(
  agent: Agent,
  error: unknown,
  threadId: string,
  hints: CommandHints,
): Promise<CliError | undefined> {
  if (!AgentchartError.isInstance(error)) return undefined;
  if (error.code !== 'human.timeout' && error.code !== 'approval.expired') return undefined;
  const status = (await agent.history(threadId).catch(() => [])).at(-1)?.status;
  if (status === undefined || status === 'running' || status === 'waiting') return undefined;
  return new CliError(
    'cli.usage',
    `${error.message} The thread went on along its timeout path and has ended (${status}); agentchart show ${shellWord(threadId)}${hints.database} shows what it did.`,
    error,
  );
}

export function toCliError(
  error: unknown,
  threadId: string,
  hints: CommandHints,
  { starting = false, forced = false }: { starting?: boolean; forced?: boolean } = {},
): unknown {
  if (!AgentchartError.isInstance(error)) return error;
  switch (error.code) {
    case 'checkpoint.lease_held':
      if (starting) return startHeldError(error);
      // A forced resume refused: core's message says who took the thread first and when to
      // try again; forcing once more is not the answer.
      if (forced) return new CliError('cli.thread_busy', error.message, error);
      return heldThreadError(error, threadId, hints);
    case 'run.already_running': {
      // A start under a thread id the database has: held by a run elsewhere, or stored.
      const held =
        AgentchartError.isInstance(error.cause) && error.cause.code === 'checkpoint.lease_held';
      if (held && starting) return startHeldError(error);
      if (held) return heldThreadError(error, threadId, hints);
      return new CliError(
        'cli.usage',
        `${error.message} From the command line: agentchart resume ${shellWord(threadId)}${hints.agent}${hints.database}`,
        error,
      );
    }
    case 'run.not_found':
      return new CliError(
        'cli.thread_not_found',
        `No thread "${threadId}" in the run database. agentchart runs${hints.database} lists the threads it has.`,
        error,
      );
    case 'human.timeout':
    case 'approval.expired':
      // Thrown by the reply itself (a run that timed out ends in its outcome instead): the
      // reply came after the wait's deadline and was not applied; the thread goes on.
      return new CliError(
        'cli.usage',
        `${error.message} The thread continues on its timeout path: drive it on with agentchart resume ${shellWord(threadId)}${hints.agent}${hints.database}`,
        error,
      );
    case 'run.child_thread': {
      // A child agent's thread is driven through its root thread, the one a host resumes.
      const { rootThreadId, waitIds } = (error as { details?: ChildThreadDetails }).details ?? {};
      const root = shellWord(rootThreadId ?? '<parent thread>');
      const waitId = waitIds?.length === 1 ? ` --wait-id ${shellWord(waitIds[0]!)}` : '';
      return new CliError(
        'cli.usage',
        `Thread "${threadId}" is a child agent's thread: only the run of its parent thread, "${rootThreadId}", drives it. Answer its wait through the parent: agentchart send ${root} --reply '<json>'${waitId}${hints.agent}${hints.database} — or continue it: agentchart resume ${root}${hints.agent}${hints.database}`,
        error,
      );
    }
    case 'run.event_not_taken':
      // Core names the states and what they take; the command adds where to look.
      return new CliError(
        'cli.usage',
        `${error.message} agentchart show ${shellWord(threadId)}${hints.database} shows the thread's states.`,
        error,
      );
    case 'agent.invalid_input':
      // Refused before the thread started: nothing was stored, the same command can run again.
      return new CliError(
        'cli.usage',
        `${error.message} Fix --input and run the command again.`,
        error,
      );
    case 'run.not_waiting':
    case 'human.invalid_reply':
    case 'human.ambiguous_reply':
    case 'checkpoint.version_mismatch':
    case 'checkpoint.wrong_agent':
    case 'checkpoint.invalid_migration':
      return new CliError('cli.usage', error.message, error);
    default:
      return error;
  }
}

/** What `run.child_thread` says of the thread (see core's restore). */
interface ChildThreadDetails {
  rootThreadId?: string;
  waitIds?: string[];
}

/**
 * A start refused for an id another process holds: the thread has no checkpoint yet (`run`
 * checked), so `resume --force` could only answer that there is no such thread.
 */
function startHeldError(error: AgentchartError): CliError {
  return new CliError(
    'cli.thread_busy',
    `${error.message} From the command line: pick a new --thread, or run this again once that lease has lapsed.`,
    error,
  );
}
