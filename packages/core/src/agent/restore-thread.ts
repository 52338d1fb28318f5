import { isAbsolute, resolve } from 'node:path';
import { describeValue } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import { usageFromJournal } from '../ledger/fold-usage';
import { lastRecordedRequest } from '../ledger/recorded-messages';
import type { JournalEntry, RunUsage } from '../ledger/types';
import type { AgentRuntime } from '../run/agent-runtime';
import { childWaitId } from '../run/child-thread-id';
import { isTimeoutCode } from '../run/late-replies';
import { Run } from '../run/run';
import type { RecordedWait } from '../run/run-port';
import { CheckpointError } from '../store/checkpoint-error';
import { conflictMessage } from '../store/conflict-messages';
import type { AcquireLeaseOptions, Checkpoint, Checkpointer, ThreadLease } from '../store/types';
import { checkMigratedSnapshot, timersNotHeld } from './check-migrated-snapshot';
import type { MigrateCheckpoint, MigrationVersions } from './types';

/**
 * A thread's checkpoint (the latest, or `version`), made to fit this agent's machine: one
 * written by another machine version goes through `migrate`, or is refused with
 * `checkpoint.version_mismatch` naming both versions.
 */
export async function loadCheckpoint(
  runtime: AgentRuntime,
  threadId: string,
  {
    version,
    migrate,
    checkFit = true,
    asRoot = false,
    asChild = false,
  }: {
    version?: number;
    migrate?: MigrateCheckpoint | undefined;
    /** Refuse a migrated snapshot this machine cannot continue (a replay reads only its input). */
    checkFit?: boolean;
    /**
     * The thread is to be driven on its own (`agent.resume`, `agent.send`): a child agent's
     * thread is refused with `run.child_thread`, since only its parent's run drives it.
     */
    asRoot?: boolean;
    /**
     * The thread is restored by its parent's `agentActor`, which checked it is its child: it
     * is not another agent's thread, whatever agent name it was stored under (a child agent
     * is named after its machine's id, which a deploy may change; its migrate moves it).
     */
    asChild?: boolean;
  },
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
      message: `Thread "${threadId}" has no checkpoint in this agent's store${storeFileOf(checkpointer)}. Check the thread id and that the agent uses the same checkpointer it ran with.`,
      details: { threadId },
    });
  }
  if (asRoot && checkpoint.run.parentThreadId !== undefined) {
    throw await childThreadError(checkpointer, checkpoint);
  }
  const owner = checkpoint.run.agent;
  if (
    checkpoint.machineVersion === runtime.machineVersion ||
    // Stored before the version covered child machines: restored as it was then.
    checkpoint.machineVersion === runtime.versionWithoutChildMachines
  ) {
    if (asRoot && owner !== undefined && owner !== runtime.name && owner !== runtime.machine.id) {
      throw wrongAgentError(threadId, owner, runtime.name);
    }
    return checkpoint;
  }
  const versions: MigrationVersions = {
    from: checkpoint.machineVersion,
    to: runtime.machineVersion,
    ...((await movedOnFrom(checkpointer, checkpoint, runtime.machineVersion))
      ? { movedOn: true as const }
      : {}),
  };
  // Another agent's thread (two agents sharing a store) is not an old version of this one,
  // whatever this one's migrate would make of it (an identity migrate takes any thread that
  // fits); nor, by name, is this agent's own after its machine's id (its default name) changed.
  if (owner !== undefined && owner !== runtime.name && !asChild) {
    throw new CheckpointError(
      'checkpoint.version_mismatch',
      threadId,
      `Thread "${threadId}" belongs to agent "${owner}", not to "${runtime.name}" (their machines differ: ${versions.from} against ${versions.to}). Send to it, resume or fork it with agent "${owner}". If "${runtime.name}" is agent "${owner}" after a deploy that changed its machine's id (an agent is named after it by default), keep the name its threads are stored and queued under: createAgent({ name: ${JSON.stringify(owner)} }), with a migrate for the changed chart.`,
    );
  }
  const migrated = migrate ? await runMigrate(migrate, checkpoint, versions) : undefined;
  if (!migrated) {
    const parent = checkpoint.run.parentThreadId;
    // A child agent's thread is migrated by its agentActor, not by the parent's createAgent.
    const migrateOption =
      parent === undefined
        ? 'createAgent({ migrate })'
        : `agentActor({ migrate }) (it is the thread of child agent "${runtime.name}" of thread "${parent}")`;
    const fits = fitsMachine(runtime.machine, checkpoint, versions);
    // An agent that has a migrate is not told to give one: its migrate refused the thread.
    const advice = migrate
      ? `${fits ? 'That state, its effects and timers, and the states its history remembers are all in this machine as they were' : 'That state, its effects, its timers or the states its history remembers are not in this machine as they were'}, but ${parent === undefined ? "this agent's migrate" : `the migrate of ${migrateOption}`} returned undefined for it, which refuses it. For the thread to go on here, return the checkpoint from migrate (${fits ? 'as it is, if nothing that changed matters to it' : 'moved to the new names: snapshot.value, snapshot.children, delayedEvents, snapshot.historyValue'}): a migrate that changes the checkpoint in place must still return it. Otherwise finish the thread with the old machine, or start a new thread.`
      : versions.movedOn
        ? `This machine version checkpointed the thread before version ${versions.from} did: a deploy running that version moved it on, and this process runs the code the thread has left behind (a rollback, or an old process still running in a rolling deploy). Leave it to the processes that run version ${versions.from} (a queue job refused here is tried again, and another worker takes it), roll forward, or give ${migrateOption} that moves it back for this machine (its versions argument has movedOn: true): an identity migrate would run that deploy's snapshot with this code.`
        : // A hash does not say which deploy is newer: the thread may be older than this code
          // (an upgrade) or a later deploy's (an old process of a rolling deploy, a rollback),
          // where a migrate would run that deploy's snapshot with this code.
          `No checkpoint of the thread was written by this machine version: version ${versions.from} started it or moved it on. If that is a later deploy's (this process is an old one still running in a rolling deploy, or a rollback), leave the thread to the processes that run version ${versions.from} (a queue job refused here is tried again, and another worker takes it), or roll forward. If it is an older deploy's: ${
            fits
              ? (timersToAdd(runtime.machine, checkpoint, migrateOption) ??
                `that state, its effects and timers, and the states its history remembers are all in this machine as they were: if nothing that changed matters to it, give ${migrateOption} that returns such checkpoints as they are (migrate: (checkpoint) => checkpoint).`)
              : `that state, its effects, its timers or the states its history remembers are not in this machine as they were: give ${migrateOption} that moves them to their new names (snapshot.value, snapshot.children, delayedEvents, snapshot.historyValue), finish the thread with the old machine, or start a new thread.`
          }`;
    throw new CheckpointError(
      'checkpoint.version_mismatch',
      threadId,
      `Thread "${threadId}" was checkpointed by machine version ${versions.from}, but this agent's machine is version ${versions.to}: the chart's structure ${migrate && !versions.movedOn ? 'changed since' : 'differs'} (its states, transitions, invokes, descriptions or meta, or those of a child machine it registers; context and code are not part of the version). The thread rests ${checkpoint.run.status} in state ${JSON.stringify((checkpoint.snapshot as { value?: unknown } | undefined)?.value)}. ${advice}`,
    );
  }
  if (checkFit) checkMigratedSnapshot(runtime.machine, { ...migrated, threadId }, versions);
  return { ...migrated, machineVersion: runtime.machineVersion };
}

/**
 * True when an earlier checkpoint of the thread was written by `machineVersion`, which the
 * latest one's version then moved on: the thread comes back from a later deploy to code it
 * left (a rollback, an old process in a rolling deploy), not from an older one. Read only
 * when the versions differ, from the thread's checkpoint list.
 */
async function movedOnFrom(
  checkpointer: Checkpointer,
  latest: Checkpoint,
  machineVersion: string,
): Promise<boolean> {
  const history = await checkpointer.list(latest.threadId);
  return history.some(
    (summary) => summary.version < latest.version && summary.machineVersion === machineVersion,
  );
}

/**
 * The error for another agent's thread under the same chart: two agents sharing a store and a
 * machine have their own tools, prompts and models, so one does not continue the other's
 * threads. A thread stored under the machine's id — the default name — is not refused: it is
 * this agent's from before it was given a name (ADR 0068). A fork copies a thread into a new
 * one and may start from another agent's.
 */
function wrongAgentError(threadId: string, owner: string, name: string): CheckpointError {
  return new CheckpointError(
    'checkpoint.wrong_agent',
    threadId,
    `Thread "${threadId}" belongs to agent "${owner}", not to "${name}": both run the same chart, but an agent's tools, prompts and models are its own, so "${name}" does not continue "${owner}"'s threads. Send to it or resume it with agent "${owner}" (agent.fork({ from: "${threadId}" }) copies it into a new thread of "${name}"). If "${name}" is agent "${owner}" renamed, keep the name its threads are stored and queued under: createAgent({ name: ${JSON.stringify(owner)} }).`,
  );
}

/**
 * What the agent's `migrate` made of a checkpoint. A migrate that throws, or returns something
 * that is not a checkpoint (the snapshot alone, say), is a fault of the deploy, not of the
 * thread: refused with `checkpoint.invalid_migration` naming the thread and both versions —
 * as a migrated snapshot that does not fit is — rather than its own TypeError, which named
 * neither and which a parent took for its child agent's failure. Nothing was written.
 */
async function runMigrate(
  migrate: MigrateCheckpoint,
  checkpoint: Checkpoint,
  versions: MigrationVersions,
): Promise<Checkpoint | undefined> {
  const { threadId } = checkpoint;
  const intro = `The migrate of thread "${threadId}" (machine version ${versions.from} → ${versions.to})`;
  let result: unknown;
  try {
    result = await migrate(structuredClone(checkpoint), versions);
  } catch (error) {
    throw new CheckpointError(
      'checkpoint.invalid_migration',
      threadId,
      `${intro} threw: ${error instanceof Error ? error.message : String(error)}. Fix the migrate (it is given the stored checkpoint: snapshot, run, delayedEvents), or return undefined from it for threads it cannot move. Nothing was written: the thread is as it was.`,
      error,
    );
  }
  if (result === undefined) return undefined;
  const lacking = partsLacking(result);
  if (lacking.length > 0) {
    const what =
      typeof result === 'object' && result !== null && !Array.isArray(result)
        ? `an object without ${lacking.join(' or ')}`
        : describeValue(result);
    throw new CheckpointError(
      'checkpoint.invalid_migration',
      threadId,
      `${intro} returned ${what}, not a checkpoint: migrate returns the checkpoint it is given, rewritten (checkpoint.snapshot, checkpoint.delayedEvents), or undefined to refuse the thread. Nothing was written: the thread is as it was.`,
    );
  }
  return result as Checkpoint;
}

/** The parts a checkpoint must have as objects (its snapshot, its run's state) that `value` lacks. */
function partsLacking(value: unknown): string[] {
  const parts = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  return ['snapshot', 'run'].filter(
    (part) => typeof parts[part] !== 'object' || parts[part] === null,
  );
}

/**
 * The error for a child agent's thread asked to run on its own: driven apart from its parent,
 * it would finish (or answer its wait) without the parent ever learning it, and the parent
 * would start it again. Names the root thread to send to or resume instead.
 */
async function childThreadError(
  checkpointer: Checkpointer,
  checkpoint: Checkpoint,
): Promise<RunError> {
  const { threadId } = checkpoint;
  let root = checkpoint.run.parentThreadId!;
  // A child's parent may be a child too: walk up to the thread a host drives (bounded).
  for (let depth = 0; depth < 16; depth++) {
    const parent = (await checkpointer.latest(root))?.run.parentThreadId;
    if (parent === undefined) break;
    root = parent;
  }
  const waits = (await checkpointer.listEffects(threadId)).filter(
    (entry) => entry.kind === 'human' && entry.status === 'started',
  );
  const agent = checkpoint.run.agent === undefined ? '' : ` "${checkpoint.run.agent}"`;
  // The root lists the wait under its id qualified by the child's thread below the root.
  const asListed = (key: string) => childWaitId(threadId.slice(root.length + 1), key);
  const reply =
    waits.length === 0
      ? ''
      : ` Its open wait is answered through "${root}": agent.send("${root}", { type: 'human.reply', value, waitId: "${asListed(waits[0]!.key)}" }).`;
  return new RunError('run.child_thread', {
    message: `Thread "${threadId}" is the thread of child agent${agent}, run by thread "${checkpoint.run.parentThreadId}": only its parent's run drives it, and on its own it would finish without the parent learning it.${reply} Resume or send to "${root}" with the agent that started it; its run restores this child where it rests.`,
    details: {
      threadId,
      parentThreadId: checkpoint.run.parentThreadId,
      rootThreadId: root,
      waitIds: waits.map((wait) => asListed(wait.key)),
    },
  });
}

/** Options of {@link restoreRun}. */
export interface RestoreRunOptions {
  /**
   * Take the thread even while another owner's lease on it is live. Safe only when that
   * owner is known to be gone: a live owner's in-flight unsafe effect may act a second time.
   * - `'checkpoint-owner'` (`agent.resume`'s `force`): only from the owner the checkpoint
   *   names, the one the caller knows is gone. Of two forced resumes of one thread, the one
   *   that takes the lease second finds the first holding it and is refused, before it reads
   *   or runs anything (ADR 0029).
   * - `'any'`: from whoever holds it. For a parent taking back its child's thread: whoever
   *   holds the parent drives the child.
   */
  force?: 'checkpoint-owner' | 'any';
}

/**
 * Takes a thread over from its checkpoint and builds the run that continues it. First the
 * thread's lease (refused while another owner's is live, unless `force`), then a claim: a
 * new checkpoint naming this run as owner, compare-and-set on the version read — of two
 * processes resuming the same thread one wins, the other fails before it runs anything.
 * A waiting thread restored as it was stored is not claimed at once: its head is read again
 * under the lease (the same check), and the run's first checkpoint claims it, if it writes
 * one — an event it ignores, a reply that does not fit or a resume writes nothing.
 * Usage is folded from the journal, so an effect finished after the checkpoint counts once.
 * A thread that ended is only reported: no lease, no claim.
 */
export async function restoreRun(
  runtime: AgentRuntime,
  checkpoint: Checkpoint,
  { force }: RestoreRunOptions = {},
): Promise<{ run: Run; checkpoint: Checkpoint }> {
  const { checkpointer, clock, generateId } = runtime;
  const { threadId } = checkpoint;
  const owner = generateId();
  // A run of this agent that ended here without giving its lease up is gone: give it up now.
  const stranded = runtime.strandedLeases.ownerOf(threadId, clock.now());
  if (stranded !== undefined && checkpointer.releaseLease) {
    await checkpointer.releaseLease(threadId, stranded).then(
      () => runtime.strandedLeases.delete(threadId),
      () => undefined,
    );
  }
  // An ended thread runs nothing more: its restore only reports how it ended, and writes
  // nothing. It takes no lease either: a process killed while reading it would leave one
  // that refused every resume, reply and forced resume of the thread for a lease time.
  const ended = hasEnded(checkpoint);
  // Refused with `checkpoint.lease_held` (saying what to do) while another owner's is live.
  const takeOver = ended ? {} : takeOverOf(force, checkpoint, clock.now(), runtime.leaseTtlMs);
  const lease = ended
    ? { expiresAt: 0 }
    : await acquireLease(checkpointer, threadId, {
        owner,
        ttlMs: runtime.leaseTtlMs,
        now: clock.now(),
        ...takeOver,
      });
  const entries = await checkpointer.listEffects(threadId);
  const state = {
    ...checkpoint.run,
    usage: usageFromJournal(entries, {
      base: checkpoint.run.usageBase,
      steps: checkpoint.run.usage.steps,
    }),
    ...(takeOver.force || takeOver.takeOverFrom ? { takenOverAt: clock.now() } : {}),
  };
  const head = checkpoint.recovered?.headVersion ?? checkpoint.version;
  const { recovered: _, ...stored } = checkpoint;
  // Claimed like a live one, every resume of an ended thread — a reply sent twice, a retried
  // request — would store another checkpoint, and whoever may send to it would grow the
  // store without bound.
  // A waiting thread restored as it was stored (no take-over, no repair, the journal adding
  // nothing to its usage) is claimed by the run's first checkpoint, if it writes one: the
  // lease already keeps the thread this run's. An event it ignores, a reply that does not
  // fit or a resume leaves it waiting as it was, and then it writes nothing. Claimed at once,
  // each such send stored two checkpoints (this claim and the rest), and whoever may send to
  // a waiting thread, which prune keeps, grew the store without bound.
  const unclaimed =
    !ended &&
    force === undefined &&
    checkpoint.recovered === undefined &&
    checkpoint.run.status === 'waiting' &&
    sameUsage(state.usage, checkpoint.run.usage);
  const version = ended || unclaimed ? head : head + 1;
  const claim: Checkpoint =
    ended || unclaimed ? stored : { ...stored, run: state, version, owner, createdAt: clock.now() };
  if (unclaimed) {
    // Another process may have moved the thread on between the read and the lease, as the
    // claim's compare-and-set would have found: read its head again, under the lease.
    const latest = await checkpointer.latest(threadId).catch(async (error: unknown) => {
      await checkpointer.releaseLease(threadId, owner).catch(() => undefined);
      throw error;
    });
    if (latest?.version !== head) {
      await checkpointer.releaseLease(threadId, owner).catch(() => undefined);
      throw new CheckpointError(
        'checkpoint.conflict',
        threadId,
        conflictMessage(threadId, latest?.version ?? 0, head + 1),
      );
    }
  }
  if (!ended && !unclaimed) {
    try {
      await checkpointer.save(claim);
    } catch (error) {
      await checkpointer.releaseLease(threadId, owner).catch(() => undefined);
      throw error;
    }
  }
  const run = new Run(runtime, threadId, {
    state: { ...state, status: 'running' },
    storedStatus: state.status,
    snapshot: checkpoint.snapshot,
    version,
    owner,
    recordedWaits: waitsOf(entries),
    recordedRequest: lastRecordedRequest(entries),
    leaseHeld: true,
    leaseExpiresAt: lease.expiresAt,
    unclaimed,
  });
  return { run, checkpoint: claim };
}

/**
 * True when two usages count the same (a restore's fold of the journal, and the stored one),
 * count by count: a checkpoint from another release may list them in another order.
 */
function sameUsage(a: RunUsage, b: RunUsage): boolean {
  const counts = Object.keys(a) as (keyof RunUsage)[];
  return counts.length === Object.keys(b).length && counts.every((count) => a[count] === b[count]);
}

/**
 * True when the thread's run ended and its actor with it: done in a final state, stopped by a
 * limit or a stop, or failed with the machine's error. Such a run, restored, comes to rest as
 * it ended without running anything (see `Run.start`).
 */
function hasEnded({ run, snapshot }: Checkpoint): boolean {
  const actor = (snapshot as { status?: unknown } | undefined)?.status;
  switch (run.status) {
    case 'done':
      return actor === 'done';
    case 'limit':
    case 'stopped':
      return actor === 'stopped';
    case 'failed':
      return actor === 'error';
    default:
      return false;
  }
}

/** How a restore takes the thread's lease: as it is free, or over from a gone owner. */
interface TakeOver {
  force?: true;
  takeOverFrom?: string;
  /** Set when a forced resume is refused its take-over: the run that took the thread first. */
  takenFirstBy?: string;
}

/**
 * The lease options of a restore. `agent.resume`'s `force` takes the thread only from the
 * owner its checkpoint names. When that owner took the thread over by force itself less than
 * a lease TTL ago, it has just started: the lease is then taken only as it is free, so a
 * second forced resume of the thread is refused while the first runs. A checkpoint that
 * names no owner (written before checkpoints named one) leaves none to compare with: the
 * lease is taken from whoever holds it.
 */
function takeOverOf(
  force: RestoreRunOptions['force'],
  checkpoint: Checkpoint,
  now: number,
  leaseTtlMs: number,
): TakeOver {
  if (force === undefined) return {};
  const { owner } = checkpoint;
  if (force === 'any' || owner === undefined) return { force: true };
  const takenOverAt = checkpoint.run.takenOverAt;
  if (takenOverAt !== undefined && now - takenOverAt < leaseTtlMs) return { takenFirstBy: owner };
  return { takeOverFrom: owner };
}

/** Takes the lease; a forced resume refused because another took the thread first says so. */
async function acquireLease(
  checkpointer: Checkpointer,
  threadId: string,
  { takenFirstBy, ...options }: AcquireLeaseOptions & TakeOver,
): Promise<ThreadLease> {
  try {
    return await checkpointer.acquireLease(threadId, options);
  } catch (error) {
    if (takenFirstBy === undefined || !isLeaseHeld(error)) throw error;
    const holder = (await checkpointer.getLease(threadId)) ?? {
      owner: takenFirstBy,
      expiresAt: options.now,
    };
    throw CheckpointError.leaseHeld(threadId, holder, options.now, takenFirstBy);
  }
}

function isLeaseHeld(error: unknown): boolean {
  return error instanceof CheckpointError && error.code === 'checkpoint.lease_held';
}

function waitsOf(entries: readonly JournalEntry[]): Map<string, RecordedWait> {
  const waits = new Map<string, RecordedWait>();
  for (const { kind, key, status, meta, error, finishedAt } of entries) {
    if (kind !== 'human') continue;
    const deadline = meta?.deadline;
    const wait: RecordedWait = typeof deadline === 'number' ? { status, deadline } : { status };
    if (status === 'failed' && isTimeoutCode(error?.code)) wait.timedOut = error.code;
    if (finishedAt !== undefined) wait.finishedAt = finishedAt;
    if (meta?.replySchema !== undefined) wait.replySchema = meta.replySchema;
    waits.set(key, wait);
  }
  return waits;
}

/** True when a checkpoint of another machine version would restore into this one as it is. */
function fitsMachine(
  machine: AgentRuntime['machine'],
  checkpoint: Checkpoint,
  versions: { from: string; to: string },
): boolean {
  try {
    checkMigratedSnapshot(machine, checkpoint, versions);
    return true;
  } catch {
    return false;
  }
}

/**
 * What to say of a thread that fits the changed machine but rests in a state that now arms
 * an `after` timer its checkpoint does not hold: returned as it is, the timer would never
 * start for it (XState arms timers as a state is entered), so the identity migrate is not
 * what to suggest. Undefined when there is none.
 */
function timersToAdd(
  machine: AgentRuntime['machine'],
  checkpoint: Checkpoint,
  migrateOption: string,
): string | undefined {
  const missing = timersNotHeld(machine, checkpoint);
  if (missing.length === 0) return undefined;
  const [first] = missing;
  return `That state and its effects are in this machine as they were, but it arms the \`after\` timer${missing.length === 1 ? '' : 's'} ${missing.map((id) => `"${id}"`).join(', ')}, which this thread's checkpoint does not hold: XState arms a state's timers as it enters it, so returned as it is, the thread would never get ${missing.length === 1 ? 'it' : 'them'}. Give ${migrateOption} that adds ${missing.length === 1 ? 'it' : 'each'} to checkpoint.delayedEvents ({ source: '', target: '', id: '${first}', event: { type: '${first}' }, dueAt: <when it falls due, on the agent's clock> }), or that returns the checkpoint as it is if threads already there should not get ${missing.length === 1 ? 'it' : 'them'}.`;
}

/**
 * Which file the store reads, for a store kept in one (SQLite's `path`): a thread not found is
 * often one written to another file, a relative path read from another working directory.
 */
function storeFileOf(checkpointer: Checkpointer): string {
  const { path } = checkpointer as { path?: unknown };
  if (typeof path !== 'string' || path === '' || path === ':memory:' || path.startsWith('file:')) {
    return '';
  }
  const relative = isAbsolute(path) ? '' : `, "${path}" read from the working directory`;
  return ` (the file ${resolve(path)}${relative})`;
}
