import { RunError } from '../errors/run-error';
import { usageFromJournal } from '../ledger/usage-from-journal';
import type { AgentRuntime } from '../run/agent-runtime';
import { type RecordedWait, Run } from '../run/run';
import { CheckpointError } from '../store/checkpoint-error';
import type { Checkpoint, JournalEntry } from '../store/types';
import type { MigrateCheckpoint } from './types';

/**
 * A thread's checkpoint (the latest, or `version`), made to fit this agent's machine: one
 * written by another machine version goes through `migrate`, or is refused with
 * `checkpoint.version_mismatch` naming both versions.
 */
export async function loadCheckpoint(
  runtime: AgentRuntime,
  threadId: string,
  { version, migrate }: { version?: number; migrate?: MigrateCheckpoint | undefined },
): Promise<Checkpoint> {
  const { checkpointer } = runtime;
  const checkpoint =
    version === undefined
      ? await checkpointer.latest(threadId)
      : await checkpointer.get(threadId, version);
  if (!checkpoint) {
    if (version !== undefined && (await checkpointer.latest(threadId))) {
      throw new CheckpointError(
        'checkpoint.not_found',
        threadId,
        `Thread "${threadId}" has no checkpoint ${version}. agent.history("${threadId}") lists the versions it has.`,
      );
    }
    throw new RunError('run.not_found', {
      message: `Thread "${threadId}" has no checkpoint in this agent's store. Check the thread id and that the agent uses the same checkpointer it ran with.`,
      details: { threadId },
    });
  }
  if (checkpoint.machineVersion === runtime.machineVersion) return checkpoint;
  const versions = { from: checkpoint.machineVersion, to: runtime.machineVersion };
  const migrated = migrate ? await migrate(structuredClone(checkpoint), versions) : undefined;
  if (!migrated) {
    throw new CheckpointError(
      'checkpoint.version_mismatch',
      threadId,
      `Thread "${threadId}" was checkpointed by machine version ${versions.from}, but this agent's machine is version ${versions.to}. Its snapshot would restore into the wrong states: finish it with the old machine, give createAgent({ migrate }) that rewrites such checkpoints, or start a new thread.`,
    );
  }
  return { ...migrated, machineVersion: runtime.machineVersion };
}

/**
 * Takes a thread over from its checkpoint and builds the run that continues it: usage is
 * recomputed from the journal (an effect finished after the checkpoint counts once), and a
 * new checkpoint naming this run as owner is written first, compare-and-set on the version
 * read. Of two processes resuming the same thread one wins; the other gets
 * `checkpoint.conflict` before it runs anything.
 */
export async function restoreRun(
  runtime: AgentRuntime,
  checkpoint: Checkpoint,
): Promise<{ run: Run; checkpoint: Checkpoint }> {
  const { checkpointer, clock, generateId } = runtime;
  const { threadId } = checkpoint;
  const entries = await checkpointer.listEffects(threadId);
  const state = {
    ...checkpoint.run,
    usage: usageFromJournal(entries, {
      ...(checkpoint.run.usageBase ? { base: checkpoint.run.usageBase } : {}),
      steps: checkpoint.run.usage.steps,
    }),
  };
  const owner = generateId();
  const version = (checkpoint.recovered?.headVersion ?? checkpoint.version) + 1;
  const { recovered: _, ...stored } = checkpoint;
  const claim: Checkpoint = { ...stored, run: state, version, owner, createdAt: clock.now() };
  await checkpointer.save(claim);
  const run = new Run(runtime, threadId, {
    state: { ...state, status: 'running' },
    snapshot: checkpoint.snapshot,
    version,
    owner,
    recordedWaits: waitsOf(entries),
  });
  return { run, checkpoint: claim };
}

function waitsOf(entries: readonly JournalEntry[]): Map<string, RecordedWait> {
  const waits = new Map<string, RecordedWait>();
  for (const { kind, key, status, meta } of entries) {
    if (kind !== 'human') continue;
    const deadline = meta?.deadline;
    waits.set(key, typeof deadline === 'number' ? { status, deadline } : { status });
  }
  return waits;
}
