import { AgentchartError } from '@agentchart/core';
import { CliError } from '../cli-error';
import type { CommandHints } from './report-outcome';
import { shellWord } from './run-database';

/** What a `checkpoint.lease_held` says of the run that holds the thread (see core). */
interface LeaseHolder {
  owner: string;
  expiresAt: number;
}

/**
 * The `cli.thread_busy` error of a command refused because another live process holds the
 * thread. Most often that process is the same command given twice (a double click, a retried
 * script) or a worker, still driving the thread: so the advice is to retry once the lease
 * lapses, and `resume --force` comes last, with the one condition that makes it safe — the
 * process that holds the thread has died. Forced while it lives, both processes run the
 * thread's next steps, unsafe tools included.
 */
export function heldThreadError(
  error: AgentchartError,
  threadId: string,
  hints: CommandHints,
  {
    now = Date.now(),
    instead = '',
  }: {
    now?: number;
    /** What else to do, said before the forced resume (which comes last). */
    instead?: string;
  } = {},
): CliError {
  const holder = holderOf(error);
  const thread = shellWord(threadId);
  const force = `${instead === '' ? '' : `${instead} `}Only if that process has died (no agentchart command, worker or app of yours is still running it), take the thread at once with: agentchart resume ${thread} --force${hints.agent}${hints.database}`;
  if (holder === undefined) {
    return new CliError(
      'cli.thread_busy',
      `${error.message} Nothing was done here: retry in a while. ${force}`,
      error,
    );
  }
  if (holder.expiresAt <= now) {
    return new CliError(
      'cli.thread_busy',
      `Thread "${threadId}" was held by run "${holder.owner}" of another process when this command asked for it, and that run has let it go since. Nothing was done here: run the command again.`,
      error,
    );
  }
  const seconds = Math.ceil((holder.expiresAt - now) / 1000);
  return new CliError(
    'cli.thread_busy',
    `Thread "${threadId}" is held by run "${holder.owner}" of another live process — the same command given twice, a worker, or your app — which may still be driving it. Nothing was done here. Its lease lapses at ${new Date(holder.expiresAt).toISOString()} (in ${seconds} s) unless that process renews it, as it does while it works: retry then; agentchart show ${thread}${hints.database} shows whether the thread moved on meanwhile. ${force}`,
    error,
  );
}

/** The holder a `checkpoint.lease_held` names: on the error, or on its cause (a refused start). */
function holderOf(error: AgentchartError): LeaseHolder | undefined {
  for (const candidate of [error, error.cause]) {
    if (!AgentchartError.isInstance(candidate)) continue;
    if (candidate.code !== 'checkpoint.lease_held') continue;
    const holder = (candidate as { holder?: Partial<LeaseHolder> }).holder;
    if (typeof holder?.owner === 'string' && typeof holder.expiresAt === 'number') {
      return { owner: holder.owner, expiresAt: holder.expiresAt };
    }
  }
  return undefined;
}
