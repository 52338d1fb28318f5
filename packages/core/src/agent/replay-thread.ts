import { fastForwardClock } from '../clock/fast-forward-clock';
import { RunEvents } from '../events/run-events';
import { ReplayError } from '../ledger/replay-error';
import type { JournalEntry } from '../ledger/types';
import type { AgentRuntime } from '../run/agent-runtime';
import { Run } from '../run/run';
import type { RunOutcome } from '../run/types';
import { ReplayStore } from '../store/replay-store';
import { loadCheckpoint } from './restore-thread';
import type { ReplayOptions } from './types';

/**
 * Re-runs a recorded thread on its journal: from its input (or, for a fork, from the
 * checkpoint it was forked at), with a clock that follows the recording and a store that
 * writes nothing. See `Agent.replay`.
 */
export async function replayThread(
  runtime: AgentRuntime,
  threadId: string,
  { onEvent }: ReplayOptions = {},
): Promise<RunOutcome> {
  const { checkpointer } = runtime;
  const entries = await checkpointer.listEffects(threadId);
  const latest = await loadCheckpoint(runtime, threadId, {
    migrate: (checkpoint) => checkpoint,
    checkFit: false,
  });
  const first = latest.run.forkedFrom
    ? await loadCheckpoint(runtime, threadId, { version: 1, migrate: (checkpoint) => checkpoint })
    : undefined;
  let until = latest.createdAt;
  for (const entry of entries) until = Math.max(until, entry.finishedAt ?? entry.startedAt);
  const start = first?.createdAt ?? latest.run.startedAt;
  const clock = fastForwardClock(start, until);
  const events = new RunEvents(() => clock.now(), { redactor: runtime.redactor });
  if (onEvent) events.onAny(onEvent);
  const store = new ReplayStore(entries);
  const replayRuntime: AgentRuntime = {
    ...runtime,
    checkpointer: store,
    clock,
    events,
  };
  const run = new Run(replayRuntime, threadId, {
    state: first
      ? { ...structuredClone(first.run), status: 'running' }
      : Run.initialState({ input: latest.run.input, now: start }),
    ...(first ? { snapshot: first.snapshot } : {}),
    version: 0,
    owner: 'replay',
    mode: 'replay',
    replay: {
      until,
      advanceTo: (at) => clock.advanceTo(at),
      recorded: (key) => store.recorded(key),
      source: checkpointer,
    },
  });
  run.start({ resumed: first !== undefined, delayedEvents: first?.delayedEvents ?? [] });
  const outcome = await run.result();
  if (ReplayError.isInstance(run.failure)) throw run.failure;
  if (outcome.status === 'waiting') await run.stop();
  // A code change that skips recorded steps (a path cut short, a branch no longer taken)
  // asks the journal for nothing it lacks, and would end with another outcome in silence.
  const unreached = store.unread();
  if (unreached.length > 0) throw unreachedError(threadId, outcome, run, unreached);
  if (outcome.status !== 'waiting') return outcome;
  // The recording ended where this replay rests: stopped, or handed back mid-work with its
  // last steps unfinished. Its run's outcome was `stopped` then, not a wait (for nothing,
  // when a step it left unfinished is what the replay rests at).
  const stopped = { status: 'stopped' as const, threadId, usage: outcome.usage };
  if (latest.run.status === 'stopped') return stopped;
  if (latest.run.status === 'running') return { ...stopped, handedBack: true };
  return outcome;
}

function unreachedError(
  threadId: string,
  outcome: RunOutcome,
  run: Run,
  unreached: readonly JournalEntry[],
): ReplayError {
  const [first] = unreached as [JournalEntry, ...JournalEntry[]];
  const state = JSON.stringify(run.actor.getSnapshot().value);
  const steps = unreached.length === 1 ? 'a step' : `${unreached.length} steps`;
  return new ReplayError('replay.unreached_effect', {
    threadId,
    key: first.key,
    site: first.site,
    message: `Replay of thread "${threadId}" ended ${outcome.status} in ${state} without reaching ${steps} the recorded run took, the first ${first.kind} step "${first.name}" (key "${first.key}", site "${first.site}"): the code now ends before the recording or goes around its steps, so the recorded outcome no longer applies. Record the thread again, or restore the code that made it.`,
  });
}
