import type { AgentRuntime } from '../run/agent-runtime';
import { Run } from '../run/run';
import { CheckpointError } from '../store/checkpoint-error';
import type { Checkpoint } from '../store/types';
import { loadCheckpoint } from './restore-thread';
import type { ForkOptions, MigrateCheckpoint } from './types';

/**
 * Writes a new thread whose first checkpoint is another thread's checkpoint `version` (with
 * the context edited) and builds the run that continues it. The new thread inherits the
 * usage so far; its journal starts empty, so effects in flight at that checkpoint run again.
 */
export async function forkThread(
  runtime: AgentRuntime,
  { from, version, threadId = runtime.generateId(), context }: ForkOptions<any>,
  migrate: MigrateCheckpoint | undefined,
): Promise<{ run: Run; checkpoint: Checkpoint }> {
  const { clock, generateId, checkpointer } = runtime;
  const source = await loadCheckpoint(runtime, from, { version, migrate });
  // Checked before writing: the store would refuse the write too, but as a run that lost its
  // thread ("taken over … reload it with agent.resume()"), which is not what happened.
  const taken = await checkpointer.latest(threadId);
  if (taken) {
    throw new CheckpointError(
      'checkpoint.conflict',
      threadId,
      `Thread "${threadId}" already exists; a fork starts a new thread and cannot take its id. Leave threadId out of agent.fork() to have a new id made, or give one no thread has.`,
    );
  }
  const snapshot = structuredClone(source.snapshot) as { context?: unknown };
  if (context !== undefined) {
    snapshot.context =
      typeof context === 'function'
        ? (context as (value: unknown) => unknown)(snapshot.context)
        : context;
  }
  const now = clock.now();
  // The source's history summaries are records of its journal, which the fork does not have.
  const { historySummaries: _, ...inherited } = source.run;
  const state = {
    ...structuredClone(inherited),
    usageBase: { ...source.run.usage },
    forkedFrom: { threadId: from, version: source.version },
  };
  const owner = generateId();
  const checkpoint: Checkpoint = {
    threadId,
    version: 1,
    machineVersion: runtime.machineVersion,
    snapshot,
    run: state,
    // Timers keep the time they had left at that checkpoint.
    delayedEvents: (source.delayedEvents ?? []).map((event) => ({
      ...event,
      dueAt: event.dueAt - source.createdAt + now,
    })),
    createdAt: now,
    owner,
  };
  await checkpointer.save(checkpoint);
  const run = new Run(runtime, threadId, {
    state: { ...structuredClone(state), status: 'running' },
    snapshot,
    version: 1,
    owner,
  });
  return { run, checkpoint };
}
