import { type AnyActor, type AnyActorRef, createActor, type EventObject } from 'xstate';
import type { Clock } from '../clock/clock';
import { type SerializedError, serializeError } from '../errors/agentchart-error';
import { RunError } from '../errors/run-error';
import type { RunEvents } from '../events/run-events';
import { addChildUsage, addRecordUsage, emptyUsage } from '../ledger/fold-usage';
import type { LastRecordedRequest } from '../ledger/recorded-messages';
import type { JournalEntry, LiveUsage, RunUsage } from '../ledger/types';
import { CheckpointError } from '../store/checkpoint-error';
import { SealedCheckpoint } from '../store/sealed-checkpoint';
import { sealJson } from '../store/sealed-json';
import { StorageError } from '../store/storage-error';
import type {
  Checkpoint,
  CheckpointWriteResult,
  HistorySummaryRef,
  PendingDelayedEvent,
  RunState,
  RunStatus,
} from '../store/types';
import { headOf } from '../text/whole-characters';
import type { AgentRuntime } from './agent-runtime';
import { CheckpointWriter } from './checkpoint-writer';
import { ChildMachines, hasChildMachine } from './child-machines';
import { contextMutationError } from './context-mutation-error';
import { contextNotJsonWarning, contextValueNotJson } from './context-not-json';
import { DelayedEvents } from './delayed-events';
import { eventNotTakenError, type SnapshotOfStates } from './event-not-taken';
import { firstWarning } from './first-warning';
import { type HeldReply, type HumanWaitRegistration, HumanWaits } from './human-waits';
import { inspectFailedMessage, isolatedInspect } from './isolated-inspect';
import { holdProcessOpen, unrefTimer } from './keep-alive';
import { lateReplyErrorFor } from './late-replies';
import { type LeaseHolder, LeaseKeeper } from './lease-keeper';
import { infiniteLoopError } from './microstep-bound';
import { restTimerThresholdMs } from './rest-timer-threshold';
import { restartedActors, restartedActorWarning } from './restarted-actors';
import { runClock } from './run-clock';
import { endedError, evictedError, stoppedSnapshotError, type TimedOutWait } from './run-errors';
import { isEndedStatus, RunLifecycle, type RunPhase, storedStatusOf } from './run-lifecycle';
import { type NextModelCall, projectedUsage, RunLimitJudge } from './run-limits';
import { type RestListener, RunOutcomes } from './run-outcomes';
import type {
  AppendJournalOptions,
  EffectHandle,
  ReadJournalOptions,
  RecordedWait,
  ReplayTimeline,
  RunPort,
} from './run-port';
import { registerRun, unregisterRun } from './run-registry';
import { RunningEffects } from './running-effects';
import { SnapshotSealer } from './sealed-snapshot';
import { assertSendableEvent } from './sendable-event';
import { childrenWithoutId, childWithoutIdWarning } from './spawned-without-id';
import { StateEnterEvents } from './state-enter-events';
import type { EndStatus, LimitInfo, PendingHumanWait, RunOutcome } from './types';
import { hasWorkInFlight } from './work-in-flight';

type AnySnapshot = {
  status: string;
  value?: unknown;
  output?: unknown;
  children?: Record<string, AnyActorRef | undefined>;
  can?(event: EventObject): boolean;
};

/** The parts of a checkpoint that change from step to step, as sealed trees. */
type SealedState = { snapshot: unknown; run: RunState; delayedEvents: PendingDelayedEvent[] };

/** How many history summaries a run's state keeps (see `RunState.historySummaries`). */
const maxHistorySummaries = 4;
const noHistorySummaries: readonly HistorySummaryRef[] = Object.freeze([]);

/** A fresh run's recorded waits: none, one map for every run. */
const noRecordedWaits: ReadonlyMap<string, RecordedWait> = new Map();

/** How a {@link Run} is created. */
export interface RunOptions {
  state: RunState;
  /** The persisted snapshot to restore; absent for a new thread. */
  snapshot?: unknown;
  /** The version of the last checkpoint already stored for this run (0 for none). */
  version: number;
  /** This run's token, written with every checkpoint; journal writes are fenced on it. */
  owner: string;
  /**
   * `replay`: effects return what the journal recorded and never run; a step the journal
   * does not have fails the run with a ReplayError.
   */
  mode?: 'live' | 'replay';
  /**
   * Human waits already in the journal, by key: a restarted wait keeps its deadline, and one
   * already answered holds the run until it replays its reply.
   */
  recordedWaits?: ReadonlyMap<string, RecordedWait>;
  /** The thread's last recorded model request, for a restored run (see `RunPort`). */
  recordedRequest?: LastRecordedRequest | undefined;
  /** For a replay: the recording's clock. */
  replay?: ReplayTimeline;
  /**
   * True when the caller already holds the thread's lease for `owner` (a restore takes it
   * before claiming the thread); otherwise the run takes it before it writes anything.
   */
  leaseHeld?: boolean;
  /**
   * Until when the held lease runs (`leaseHeld`), as the store said when it was taken: the
   * run's first effect then acts without renewing a lease taken a moment ago.
   */
  leaseExpiresAt?: number;
  /**
   * The status the restored checkpoint was stored with (`state` says `running`: the restored
   * run runs); absent for a new thread.
   */
  storedStatus?: RunStatus;
  /**
   * Take the thread's lease even while another owner's is live: for a child agent's thread,
   * which only whoever holds the parent's thread drives (see `agentActor`).
   */
  forceLease?: boolean;
  /**
   * Restored from a waiting checkpoint without storing a claim: the lease makes the thread
   * this run's, and its first checkpoint claims it. A rest before the run took any step or
   * wrote to the journal stores nothing, since the stored checkpoint says all of it.
   */
  unclaimed?: boolean;
}

/**
 * One thread's live execution: the XState actor, its lifecycle (see {@link RunLifecycle}),
 * checkpoints, lease, limits and the journal fold that is its usage. Effects reach it only
 * through the {@link RunPort} it implements, found through the actor system (run-registry).
 */
export class Run implements RunPort, LeaseHolder, LiveUsage {
  readonly actor: AnyActor;
  readonly threadId: string;
  readonly runtime: AgentRuntime;
  readonly owner: string;
  readonly replay: ReplayTimeline | undefined;
  readonly recordedRequest: LastRecordedRequest | undefined;
  /** The agent's clock, with every timer unref'd (see {@link runClock}). */
  readonly clock: Clock;
  /** The error a run was failed with by the harness (a conflict, a replay miss), as thrown. */
  failure: unknown;

  readonly #state: RunState;
  readonly #storedStatus: RunStatus | undefined;
  readonly #lifecycle: RunLifecycle;
  readonly #writer: CheckpointWriter;
  readonly #lease: LeaseKeeper;
  readonly #waits: HumanWaits;
  /** Wake-up times of child agents this run waits on; made with the first. */
  #wakeSources: Set<() => number | undefined> | undefined;
  /** Usage of child agents in flight, not yet in the journal's fold; made with the first. */
  #usageSources: Set<() => LiveUsage | undefined> | undefined;
  /** Model calls in flight, by journal key: what each may use at most; made with the first. */
  #callsInFlight: Map<string, RunUsage> | undefined;
  /** The waits pending when the run was evicted (what its checkpoint still waits for). */
  #evictedWaits: PendingHumanWait[] | undefined;
  /** The `waiting` rest the run was evicted in: what `result()` answers from then on. */
  #evictedRest: RunOutcome | undefined;
  /** The machine's snapshot as the run left memory, before its actor stopped (see snapshot). */
  #evictedSnapshot: AnySnapshot | undefined;
  #successor: Run | undefined;
  readonly #stateEnters: StateEnterEvents;
  readonly #delayed: DelayedEvents;
  readonly #limits: RunLimitJudge;
  readonly #recordedWaits: ReadonlyMap<string, RecordedWait>;
  readonly #effects: RunningEffects;
  /** Set by {@link handBackSoon}. */
  #handBack: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Told when the hand-back starts: child agents' runs (see {@link onHandBack}). */
  #handBackListeners: Set<() => void> | undefined;
  readonly #outcomes = new RunOutcomes<Run>(this);
  /** Made with the first child machine: most runs have none. */
  #children: ChildMachines | undefined;
  #limit: LimitInfo | undefined;
  #error: SerializedError | undefined;
  /** A restored actor reports its snapshot once when it starts: that is not a new macrostep. */
  #restoredStart = false;
  /** True once this run's first checkpoint created its thread: the journal holds only its writes. */
  #journalIsOwn = false;
  /**
   * For a run starting a new thread: settles once its first checkpoint is stored (or refused).
   * Until then the thread id may be another run's — another process started it — and what the
   * store's journal holds under it is that run's, not this one's to act on.
   */
  #threadCreated: Deferred | undefined;
  /**
   * True while a run restored without a claim (see `RunOptions.unclaimed`) has taken no step,
   * written nothing and stored nothing: its rest then stores nothing either.
   */
  #unclaimed: boolean;
  /**
   * For a run restored without a claim: settles once its first checkpoint, which names it as
   * the thread's owner, is stored (or refused). Its journal writes wait for it: a process
   * killed after an effect acted leaves a checkpoint naming it, which `agent.resume`'s
   * `force` takes the thread from at once (it takes a thread only from the owner its
   * checkpoint names), as it did when every restore stored a claim first.
   */
  #claimed: Deferred | undefined;
  /** The journal keys this run has written (keys only: what `readJournal` must not skip). */
  readonly #writtenKeys = new Set<string>();
  /** The last checkpoint's state, as sealed trees: the next one shares what did not change. */
  #sealed: SealedState | undefined;
  readonly #snapshotSealer: SnapshotSealer;
  #sealedInput: { value: unknown } | undefined;
  #releaseProcess: (() => void) | undefined;
  #wallTimer: unknown;
  #checkQueued = false;
  /** How many times the run has left a rest: a rest's outcome is stale once it has. */
  #wakes = 0;
  /** Work the lease is kept for after the run let go (see {@link RunPort.holdLease}); made with the first. */
  #leaseHolds: Set<Promise<unknown>> | undefined;
  /** See {@link releasing}. */
  #releasing: Promise<void> | undefined;
  /** True once the run released its lease or left it to lapse (see {@link holdsLease}). */
  #leaseLetGo = false;
  /** See {@link released}. */
  #released: Promise<void> | undefined;
  /** The run's own subscription to its actor: undone once the run let go of it (see #detach). */
  #subscription: { unsubscribe(): void } | undefined;
  /** Work the run's end is reported after (see {@link RunPort.endAfter}); made with the first. */
  #endHolds: Set<Promise<unknown>> | undefined;
  /**
   * Children spawned without an id that the restored snapshot held (their spawning run warned
   * of them), or `true` once this run warned of one: once per run is enough.
   */
  #childrenWithoutId: ReadonlySet<AnyActorRef> | true | undefined;
  /**
   * A context value its checkpoint's JSON gives back as something else: found by the last
   * sealing, or warned of (once per run).
   */
  #contextNotJson: 'found' | 'warned' | undefined;
  /** The state an evicted run's last checkpoints store: the run as it was when it left. */
  #frozen: { sealed: SealedState; wakeAt: number | undefined } | undefined;
  /** Set when the run's state could not be stored (a bigint in it): the error it fails with. */
  #unstorable: RunError | undefined;

  constructor(
    runtime: AgentRuntime,
    threadId: string,
    {
      state,
      snapshot,
      version,
      owner,
      mode = 'live',
      recordedWaits = noRecordedWaits,
      recordedRequest,
      replay,
      leaseHeld = false,
      leaseExpiresAt,
      forceLease = false,
      storedStatus,
      unclaimed = false,
    }: RunOptions,
  ) {
    this.#unclaimed = unclaimed;
    if (unclaimed) this.#claimed = deferred();
    this.runtime = runtime;
    this.threadId = threadId;
    this.#state = state;
    this.#storedStatus = storedStatus;
    this.replay = replay;
    this.owner = owner;
    this.#recordedWaits = recordedWaits;
    this.recordedRequest = recordedRequest;
    this.#snapshotSealer = new SnapshotSealer(runtime.freezeContext, () => {
      this.#contextNotJson ??= 'found';
    });
    this.#effects = new RunningEffects({
      occurrences: state.occurrences,
      replaying: mode === 'replay',
      onMaybeIdle: () => this.#queueCheck(),
      onStepEnded: () => this.#checkHandBack(),
    });
    this.#lifecycle = new RunLifecycle('starting', (from, to) => this.#onPhase(from, to));
    this.#limits = new RunLimitJudge(runtime.limits, state.startedAt, state.wrapUp);
    if (state.wrapUp) this.#limit = state.wrapUp.limit;
    this.#waits = new HumanWaits(threadId);
    this.#stateEnters = new StateEnterEvents(
      runtime.events,
      threadId,
      snapshot === undefined ? runtime.machine : undefined,
    );
    if (version === 0 && mode !== 'replay') this.#threadCreated = deferred();
    // Taken with the run's first checkpoint where the store can, and at once on its own
    // where it cannot: a lease refused fails the write, or the run, through its outcome.
    this.#lease = new LeaseKeeper(this, { force: forceLease });
    if (leaseHeld || mode === 'replay') this.#lease.held(leaseExpiresAt ?? 0);
    else if (!this.#lease.changesWithCheckpoint) {
      this.#lease.acquire().catch((error) => this.#failWith(error, false));
    }
    this.#writer = new CheckpointWriter({
      checkpointer: runtime.checkpointer,
      build: (next) => this.#checkpointAt(next),
      onWritten: (checkpoint, result) => this.#onWritten(checkpoint, result),
      onFailure: (error) => this.#failWith(error, false),
      recover: (error, version) => this.#failedCheckpointOf(error, version),
      version,
      owner,
      lease: this.#lease,
    });
    const clock = runClock(runtime);
    this.clock = clock;
    // Wrapped only when there is an inspector: most runs have none, and pay no closure.
    const inspect = this.#stateEnters.inspectFromCreation(
      runtime.inspect &&
        isolatedInspect(runtime.inspect, (error) => {
          if (!firstWarning(runtime, 'inspect_failed', 'inspect')) return;
          runtime.events.warn(threadId, 'inspect_failed', inspectFailedMessage(threadId, error));
        }),
    );
    this.actor = createActor(runtime.machine, {
      input: state.input,
      clock,
      ...(inspect ? { inspect } : {}),
      ...(snapshot === undefined ? {} : { snapshot: snapshot as never }),
    });
    if (snapshot !== undefined) {
      const restored = childrenWithoutId(this.actor.getSnapshot() as AnySnapshot);
      if (restored.length > 0) this.#childrenWithoutId = new Set(restored.map((c) => c.child));
    }
    this.#delayed = new DelayedEvents(this.actor, clock, runtime.generateId);
    registerRun(this.actor.system, this);
    this.#stateEnters.attach(this.actor.system);
    this.#subscription = this.actor.subscribe({
      next: (next) => this.#onSnapshot(next as AnySnapshot),
      error: (error) => this.#onMachineError(error),
    });
    // The chart's `emit`s: the run's actor is the harness's, so its listeners are the only
    // way out for them. A replay re-runs the chart: its emits were reported when it ran.
    if (mode !== 'replay') {
      this.actor.on('*', (event) => runtime.events.emit('chart.emit', threadId, { event }));
    }
  }

  /** Creates the state of a thread that has not run yet. */
  static initialState({
    input,
    now,
    tenantId,
    agent,
    parentThreadId,
  }: {
    input: unknown;
    now: number;
    tenantId?: string | undefined;
    agent?: string | undefined;
    parentThreadId?: string | undefined;
  }): RunState {
    return {
      status: 'running',
      input,
      startedAt: now,
      occurrences: {},
      usage: emptyUsage(),
      ...(tenantId === undefined ? {} : { tenantId }),
      ...(agent === undefined ? {} : { agent }),
      ...(parentThreadId === undefined ? {} : { parentThreadId }),
    };
  }

  get phase(): RunPhase {
    return this.#lifecycle.phase;
  }

  get events(): RunEvents {
    return this.runtime.events;
  }

  /**
   * The version of the thread's last checkpoint this run wrote or was restored from: 0 for a
   * new thread's run that has stored nothing yet.
   */
  get storedVersion(): number {
    return this.#writer.version;
  }

  /**
   * True when the store refused this run's start: a new thread's run that stored nothing
   * failed because another process holds the thread (`checkpoint.lease_held`) or the thread
   * has a checkpoint already (`checkpoint.conflict`). The thread is another run's, untouched.
   */
  get refusedAtStart(): boolean {
    if (this.storedVersion !== 0 || !CheckpointError.isInstance(this.failure)) return false;
    const { code } = this.failure;
    return code === 'checkpoint.lease_held' || code === 'checkpoint.conflict';
  }

  /** True when this run was restored from a thread that had ended (done, failed, limit, stopped). */
  get #storedEnded(): boolean {
    const stored = this.#storedStatus;
    return stored !== undefined && stored !== 'running' && stored !== 'waiting';
  }

  /** The status of the checkpoint this run was restored from; undefined for a new thread's run. */
  get restoredFrom(): RunStatus | undefined {
    return this.#storedStatus;
  }

  get tenantId(): string | undefined {
    return this.#state.tenantId;
  }

  get usage(): Readonly<RunUsage> {
    return this.#state.usage;
  }

  /**
   * The run's usage with that of the child agents it runs, those still in flight included:
   * what its limits judge (the family shares them) and what its outcomes and checkpoints
   * report. The run's own object when no child is in flight.
   */
  get familyUsage(): Readonly<RunUsage> {
    const sources = this.#usageSources;
    if (!sources) return this.#state.usage;
    const usage = { ...this.#state.usage };
    for (const source of sources) {
      const live = source();
      if (live) addChildUsage(usage, live.familyUsage);
    }
    return usage;
  }

  /**
   * What the model calls in flight in the run and in the child agents it runs may still use
   * at most (see {@link reserveModelCall}); undefined when none is.
   */
  get familyInFlight(): Readonly<RunUsage> | undefined {
    let total: RunUsage | undefined;
    if (this.#callsInFlight) {
      total = emptyUsage();
      for (const projected of this.#callsInFlight.values()) addChildUsage(total, projected);
    }
    if (this.#usageSources) {
      for (const source of this.#usageSources) {
        const inFlight = source()?.familyInFlight;
        if (!inFlight) continue;
        total ??= emptyUsage();
        addChildUsage(total, inFlight);
      }
    }
    return total;
  }

  /** What a limit judges before a model call: what the family used, and what it has in flight. */
  #committedUsage(): Readonly<RunUsage> {
    const used = this.familyUsage;
    const inFlight = this.familyInFlight;
    if (!inFlight) return used;
    const committed = { ...used };
    addChildUsage(committed, inFlight);
    return committed;
  }

  get untrustedSeen(): boolean {
    return this.#state.untrustedSeen === true;
  }

  markUntrustedSeen(): void {
    // Part of the run's state: its next checkpoint keeps it, so a resume knows it too.
    this.#state.untrustedSeen = true;
  }

  get historySummaries(): readonly HistorySummaryRef[] {
    return this.#state.historySummaries ?? noHistorySummaries;
  }

  noteHistorySummary(summary: HistorySummaryRef): void {
    // Part of the run's state, as the journal keys it points at are part of its journal: a
    // run restored after it left memory starts its next effect from the same summaries.
    // A new array each time: the last checkpoint's sealed copy is shared, never changed.
    const kept = this.historySummaries.filter((known) => known.hash !== summary.hash);
    this.#state.historySummaries = [...kept.slice(1 - maxHistorySummaries), summary];
  }

  get maxJournalValueBytes(): number {
    return this.runtime.maxJournalValueBytes;
  }

  /** The run that continued this thread in this process after this one was evicted. */
  get successor(): Run | undefined {
    return this.#successor;
  }

  /** Links the run restored for this thread after this one was evicted (see `successor`). */
  followedBy(run: Run): void {
    this.#successor = run;
  }

  /** True once the run left memory ({@link evict}): only its checkpoint holds it now. */
  get evicted(): boolean {
    return this.#lifecycle.phase === 'evicted';
  }

  /**
   * The machine's snapshot: the live one, or, once the run left memory, the one it had as it
   * left — the state its checkpoint keeps, `active`, its `children` the actors it had then.
   * The stopped actor's own snapshot would say `stopped` with no children, as if the thread
   * had ended, while it waits in the store.
   */
  snapshot(): AnySnapshot {
    return this.#evictedSnapshot ?? (this.actor.getSnapshot() as AnySnapshot);
  }

  /**
   * Starts the actor. When restored, its in-flight effects restart under their old keys and
   * the stored delayed events are armed again with the time they had left.
   */
  start({
    resumed,
    delayedEvents = [],
  }: {
    resumed: boolean;
    delayedEvents?: readonly PendingDelayedEvent[];
  }): void {
    if (!this.#lifecycle.moveTo('running')) return;
    // A thread stored ended only gives its outcome again: no run is reported.
    if (!this.#storedEnded) {
      this.runtime.events.emit('run.start', this.threadId, {
        input: this.#state.input,
        resumed,
        agent: this.runtime.name,
        sessionId: this.actor.sessionId,
        ...(this.#state.parentThreadId === undefined
          ? {}
          : { parentThreadId: this.#state.parentThreadId }),
      });
    }
    // Plain actors active in the checkpoint, which XState starts again with the actor.
    const restarted =
      resumed && !this.replay ? restartedActors(this.actor.getSnapshot() as AnySnapshot) : [];
    this.#effects.restoring = resumed;
    this.#restoredStart = resumed;
    try {
      this.actor.start();
    } finally {
      this.#effects.restoring = false;
    }
    for (const actor of restarted) {
      const code = 'restore.actor_restarted';
      if (!firstWarning(this.runtime, code, `${actor.state} ${actor.src}`)) continue;
      this.runtime.events.warn(this.threadId, code, restartedActorWarning(actor));
    }
    if (this.#lifecycle.ended) return;
    const restored = this.actor.getSnapshot() as AnySnapshot;
    if (resumed && restored.status === 'stopped') {
      // Nothing continues a stopped actor.
      if (this.#storedStatus === 'running') {
        // Stored `running` with it: a run that had lost its thread wrote it. Left `running`, a
        // scheduler would wake it again at every look: it fails, stored so.
        this.#failWith(stoppedSnapshotError(this.threadId, restored.value), true);
      } else {
        // A thread that ended at a limit or stopped, its actor stopped with it: its outcome is
        // what it ended with, and the store has it already.
        this.#limit = this.#state.limit;
        this.#end(this.#limit ? 'limit' : 'stopped', undefined, false);
      }
      return;
    }
    this.#delayed.rearm(delayedEvents);
    // A restored run already over a limit (its journal says so) stops here; one that needs
    // nothing more (all effects done, no timers) is at rest now.
    if (resumed && !this.#checkLimits()) this.#checkRest();
  }

  /** The next time the run comes to rest. */
  result(): Promise<RunOutcome> {
    // Evicted while waiting: it rests so in the store until it is restored.
    if (this.evicted && this.#evictedRest) return Promise.resolve(this.#evictedRest);
    return this.#outcomes.next();
  }

  /**
   * Calls `listener` every time the run comes to rest (each `waiting`, and its end), with this
   * run: one listener can serve every run, and a waiting run keeps no closure for it.
   */
  onRest(listener: RestListener<Run>): void {
    this.#outcomes.onEvery(listener);
  }

  /**
   * Sends an event to the machine; the run is active again until its next rest. An event no
   * active state takes now (no transition, or its guards refuse it) is refused with
   * `run.event_not_taken`, naming the states and what they take: XState would drop it, and a
   * sender (a chat's user message sent mid-answer) would lose it unseen. Refused, it is no
   * macrostep: it writes no checkpoint, reports no new rest and counts toward no step limit.
   * Only senders from outside come here; the harness's own events (replies, timers,
   * `limit.reached`) reach the actor by their own paths.
   */
  send(event: EventObject): void {
    assertSendableEvent(this.threadId, event);
    this.#assertLive(event.type);
    if (this.#ignores(event)) {
      const snapshot = this.actor.getSnapshot() as SnapshotOfStates;
      throw eventNotTakenError(this.threadId, snapshot, event, this.phase !== 'waiting');
    }
    this.#wake();
    this.actor.send(event);
  }

  /** True when the machine would take no transition for `event` in its current state. */
  #ignores(event: EventObject): boolean {
    const snapshot = this.actor.getSnapshot() as AnySnapshot;
    if (snapshot.status !== 'active' || !snapshot.can) return false;
    try {
      return !snapshot.can(event);
    } catch {
      // A guard that throws: the machine reports it as it handles the event.
      return false;
    }
  }

  /** Answers a pending human wait. */
  reply(value: unknown, waitId?: string): void {
    try {
      this.#assertLive('human.reply');
      this.#waits.answer(waitId, value);
    } catch (error) {
      throw this.#lateReplyOr(error, waitId);
    }
    this.#wake();
  }

  /** `error`, or the late reply's when the run was not waiting because the wait timed out. */
  #lateReplyOr(error: unknown, waitId: string | undefined): unknown {
    const notWaiting = RunError.isInstance(error) && error.code === 'run.not_waiting';
    return (notWaiting && this.lateReply(waitId)) || error;
  }

  /**
   * Answers the wait `waitId` the moment its effect adds it, for a restored run whose effect
   * has not reopened it yet (see {@link HumanWaits.hold}).
   */
  replyOnceAdded(value: unknown, waitId: string): HeldReply {
    try {
      this.#assertLive('human.reply');
    } catch (error) {
      throw this.#lateReplyOr(error, waitId);
    }
    return this.#waits.hold(waitId, value);
  }

  /** The one wait the journal this run was restored from leaves pending, if exactly one. */
  onlyRecordedWait(): string | undefined {
    let only: string | undefined;
    for (const [key, { status }] of this.#recordedWaits) {
      if (status !== 'started') continue;
      if (only !== undefined) return undefined;
      only = key;
    }
    return only;
  }

  /** Human waits pending now. */
  waits(): PendingHumanWait[] {
    // An evicted run kept its waits in the store: those it rested with are still pending.
    return this.evicted ? [...(this.#evictedWaits ?? [])] : this.#waits.list();
  }

  addWait(wait: HumanWaitRegistration): () => void {
    return this.#waits.add(wait);
  }

  removeWait(wait: HumanWaitRegistration): void {
    this.#waits.remove(wait);
  }

  waitTimedOut(wait: TimedOutWait): void {
    this.#waits.timedOut(wait);
  }

  /** The waits that timed out in this run, in this process, in the order they did. */
  timedOutWaits(): Iterable<TimedOutWait> {
    return this.#waits.timedOutWaits();
  }

  /**
   * The error for a reply that finds no wait because the wait it meant timed out (see
   * {@link lateReplyErrorFor}); undefined when it cannot be a late reply.
   */
  lateReply(waitId: string | undefined): RunError | undefined {
    return lateReplyErrorFor(waitId, this.#waits, this.#recordedWaits);
  }

  addWakeSource(nextWakeAt: () => number | undefined): () => void {
    this.#wakeSources ??= new Set();
    const sources = this.#wakeSources;
    sources.add(nextWakeAt);
    return () => {
      sources.delete(nextWakeAt);
      if (sources.size === 0 && this.#wakeSources === sources) this.#wakeSources = undefined;
    };
  }

  addUsageSource(usage: () => LiveUsage | undefined): () => void {
    this.#usageSources ??= new Set();
    const sources = this.#usageSources;
    sources.add(usage);
    return () => {
      sources.delete(usage);
      if (sources.size === 0 && this.#usageSources === sources) this.#usageSources = undefined;
    };
  }

  recordedWait(key: string): RecordedWait | undefined {
    return this.#recordedWaits.get(key);
  }

  /**
   * When this run next needs to act on its own: a wait's deadline, a delayed event, or the
   * wake-up time of a child agent it waits on.
   */
  nextWakeAt(): number | undefined {
    const { status } = this.#state;
    // An ended run wakes for nothing (a wait it ended on may not have been removed yet).
    if (isEndedStatus(status)) return undefined;
    const dueIn = this.#delayed.nextDueIn();
    const due = dueIn === undefined ? undefined : this.runtime.clock.now() + dueIn;
    let next = earlier(due, this.#waits.nextDeadline());
    // A run resting past its wall-time limit (or its wrap-up's) ends there: a process that
    // evicted it, or a worker, wakes it then, not at its wait's later deadline. Only a resting
    // run's: a working run's timer is in this process, and an ended run wakes for nothing.
    if (!this.replay && status === 'waiting') {
      next = earlier(next, this.#limits.deadline()?.at);
    }
    // Checked at every checkpoint: no work beyond the reads above unless a child waits.
    if (this.#wakeSources) for (const source of this.#wakeSources) next = earlier(next, source());
    return next;
  }

  /** Stops the run and its effects; the outcome is `stopped` unless it had already ended. */
  async stop(): Promise<RunOutcome> {
    this.#end('stopped');
    return this.result();
  }

  /**
   * Drops the run from memory: its effects and actor stop, its lease is given up, and its
   * checkpoint stays as it is (`waiting`, or `running` for a run handed back mid-work), so
   * `agent.send()` or `agent.resume()` — here or in another process — continues it later.
   */
  evict(): Promise<void> {
    const resting = this.#outcomes.current;
    const wasResting = resting?.status === 'waiting';
    if (!this.#lifecycle.can('evicted')) return Promise.resolve();
    // A checkpoint asked for and not yet built (a write was under way) is built below, after
    // the actor stopped and its waits were cleared: it must store the run as it is now —
    // `running` with its live snapshot when handed back mid-work, its waits' deadline when
    // resting — not a stopped actor stored as `waiting`, which a resume could never continue.
    if (this.#writer.awaitingBuild) this.#frozen = this.#stateNow();
    this.#lifecycle.moveTo('evicted');
    if (wasResting) this.#evictedRest = resting;
    // Listed before the effects stop: a stopped wait leaves the list.
    this.#evictedWaits = this.#waits.list();
    // Taken before the actor stops, which would empty its children and say `stopped`.
    this.#evictedSnapshot = this.actor.getSnapshot() as AnySnapshot;
    this.#abortEffects(
      () =>
        new RunError('run.evicted', {
          message: `Run "${this.threadId}" was evicted from memory; its checkpoint keeps it.`,
        }),
    );
    this.#waits.clear();
    if (!wasResting) {
      // Not ended: whoever awaits the run learns it left this process, resumable.
      this.#settleNow({
        status: 'stopped',
        threadId: this.threadId,
        usage: this.#usageCopy(),
        handedBack: true,
      });
    }
    // Resolves once the lease is given up: another process may take the thread from then on.
    return this.#writer
      .flush()
      .then(
        () => this.#letGoOfLease(),
        () => undefined,
      )
      .finally(this.#detach);
  }

  /**
   * Cuts the links from the run's XState actor system back to the run, once the run has let
   * go of its actor (ended and stored, or evicted). XState's system object is long-lived enough
   * for V8 to allocate it straight into the old generation, where it stays after the run until
   * the next full collection; every young object it still reached — the run, through its
   * subscription and the registry, and all the run holds — was then kept alive and promoted by
   * each minor collection in between. Without those links the in-memory chain10 benchmark
   * moves about 40% fewer bytes a run into the old generation and takes about 0.9× the time.
   */
  readonly #detach = (): void => {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    this.#stateEnters.stop();
    unregisterRun(this.actor.system, this);
  };

  endAfter(work: Promise<unknown>): void {
    this.#endHolds ??= new Set();
    holdUntilSettled(this.#endHolds, work);
  }

  /** True once the run ended and no tool it let go of still runs: its lease may go. */
  get lettingGo(): boolean {
    return this.#lifecycle.ended && !this.#leaseHolds?.size;
  }

  holdLease(work: Promise<unknown>): void {
    this.#leaseHolds ??= new Set();
    holdUntilSettled(this.#leaseHolds, work);
  }

  get holdsLease(): boolean {
    return !this.#leaseLetGo && !this.#lease.lost;
  }

  /**
   * Gives the lease up, once no tool it is held for (see {@link holdLease}) still runs; until
   * then the heartbeat keeps it, for one lease time at most: a tool that ignores its abort
   * signal and never settles does not hold the thread for ever (its lease then lapses a lease
   * time later). Resolves once the lease is released (or left to lapse): `close()` waits for
   * it, so the store stays open while a tool's late result is journaled.
   */
  async #letGoOfLease(): Promise<void> {
    while (this.#leaseHolds?.size) {
      let timer: unknown;
      const late = new Promise<true>((resolve) => {
        timer = this.clock.setTimeout(() => resolve(true), this.runtime.leaseTtlMs);
      });
      const tooLate = await Promise.race([Promise.allSettled([...this.#leaseHolds]), late]);
      this.clock.clearTimeout(timer);
      if (tooLate === true) {
        this.#leaseLetGo = true;
        this.#lease.stop();
        return;
      }
    }
    this.#leaseLetGo = true;
    return this.#lease.release();
  }

  /** The outcome the run is resting in now, if it is at rest. */
  restingIn(): RunOutcome | undefined {
    return this.#outcomes.current;
  }

  // ---- the port effects use ------------------------------------------------------------

  beginEffect(site: string, self: object, blocking: boolean): EffectHandle {
    return this.#effects.begin(site, self, blocking);
  }

  effectActorStopped(self: object): void {
    this.#effects.actorStopped(self);
  }

  get handingBack(): boolean {
    return this.#handBack !== undefined;
  }

  holdStep(handle: EffectHandle): Promise<never> {
    if (handle.aborted) return Promise.reject(handle.abortReason);
    handle.hold();
    const held = new Promise<never>((_, reject) => {
      handle.addAbortListener({ handleEvent: () => reject(handle.abortReason) });
    });
    this.#checkHandBack();
    return held;
  }

  onHandBack(listener: () => void): () => void {
    if (this.#handBack) {
      listener();
      return () => undefined;
    }
    this.#handBackListeners ??= new Set();
    const listeners = this.#handBackListeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /**
   * Asked by `agent.close()` before it hands the run back: from now on the run starts no new
   * step — a model call, a tool call, a child agent — and each one waits, unstarted, for the
   * hand-back to abort it (see {@link RunPort.holdStep}); a step cut off mid-way would be paid
   * for again by whoever resumes the thread. Resolves once nothing works any more (the steps in
   * flight finished and every effect waits) or the run is no longer active.
   */
  handBackSoon(): Promise<void> {
    if (!this.#handBack) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      this.#handBack = { promise, resolve };
      const listeners = this.#handBackListeners;
      this.#handBackListeners = undefined;
      for (const listener of listeners ?? []) listener();
    }
    this.#checkHandBack();
    return this.#handBack.promise;
  }

  /** Resolves {@link handBackSoon}'s promise once nothing works. */
  #checkHandBack(): void {
    const handBack = this.#handBack;
    if (!handBack) return;
    const snapshot = this.actor.getSnapshot() as AnySnapshot;
    if (
      !this.#lifecycle.active ||
      snapshot.status !== 'active' ||
      !hasWorkInFlight(snapshot, (child) => this.#effects.isWorking(child))
    ) {
      handBack.resolve();
    }
  }

  async readJournal(
    key: string,
    { harmlessToRepeat = false }: ReadJournalOptions = {},
  ): Promise<JournalEntry | undefined> {
    // A thread this run created holds only what this run wrote: a key it never wrote has
    // nothing to read (a store read per step saved). A key it wrote (an approval a later
    // call looks up) may still be held for the next checkpoint, or on its way to the store.
    const written = this.#writtenKeys.has(key);
    if (!written && this.#threadCreated) {
      // A pure tool runs on the guess that the new thread is this run's (see ReadJournalOptions).
      if (harmlessToRepeat) return undefined;
      // Any other step reads nothing before the thread is known to be this run's (a start
      // under an id another process started reads that run's journal, and would act on it).
      await this.#whenThreadCreated();
    }
    if (this.#journalIsOwn && !written) return undefined;
    if (written) {
      const held = this.#writer.heldJournal(key);
      if (held) return held;
      await this.#writer.settled();
    }
    return this.runtime.checkpointer.getEffect(this.threadId, key).catch((error: unknown) => {
      // The store cannot say now whether the step ran (the database out of reach, a
      // timeout): the run fails with its error and writes nothing more, as when a write
      // fails, and resumes from its last checkpoint. Left to the effect, it was the step's
      // own failure (`tool.failed`), which the chart ended the run on: stored `failed`, the
      // rest of the thread's work never done.
      if (StorageError.isInstance(error)) {
        this.#writer.abandon();
        this.#failWith(error, false);
      }
      throw error;
    });
  }

  knowsNoRecord(key: string, { harmlessToRepeat = false }: ReadJournalOptions = {}): boolean {
    // As readJournal answers undefined at once: a pure tool's read on a thread this run is
    // creating, or any read of a key this run never wrote once the thread is its own.
    if (this.#writtenKeys.has(key)) return false;
    return this.#threadCreated ? harmlessToRepeat : this.#journalIsOwn;
  }

  async appendJournal(
    entry: JournalEntry,
    previous: JournalEntry['status'] | undefined,
    { withCheckpoint = false, durable = true }: AppendJournalOptions = {},
  ): Promise<void> {
    this.#writtenKeys.add(entry.key);
    this.#unclaimed = false;
    if (withCheckpoint && !this.replay) {
      // Written with the checkpoint of the macrostep this result causes (see deferJournal).
      this.#writer.deferJournal(entry);
      this.#fold(entry, previous);
      return;
    }
    try {
      // Nothing is written to a thread before it is known to be this run's.
      if (this.#threadCreated) await this.#whenThreadCreated();
      if (this.#claimed) await this.#whenClaimed();
      await this.#lease.whenHeld();
      if (!this.replay) await this.#lease.confirm();
      await this.#writer.writeJournal(entry, { durable });
    } catch (error) {
      // The store failed the write (a full disk, a connection lost): the run writes nothing
      // more, so the thread rests at its last durable checkpoint and resumes from there. The
      // checkpoint of the macrostep that started this step, built at the end of the turn,
      // would otherwise store the thread `failed` — ended for good, and without the results
      // this write carried (an unsafe call that ran, left `started`) — once space came back.
      if (StorageError.isInstance(error)) this.#writer.abandon();
      this.#failWith(error, false);
      throw error;
    }
    this.#fold(entry, previous);
  }

  /**
   * Resolves once a new thread's first checkpoint is stored (rejects if it was refused). That
   * checkpoint waits for the end of the turn like any other, so the steps a run takes at once
   * share it — unless an effect waits for it, as here: then it is built at once.
   */
  #whenThreadCreated(): Promise<void> {
    const created = this.#threadCreated!.promise;
    this.#writer.hurry();
    return created;
  }

  /**
   * Stores the checkpoint that names this run as the thread's owner, if it was restored
   * without one (see `RunOptions.unclaimed`) and has written none since. Its agent calls it
   * when it keeps the run in memory resting `waiting` rather than evicting it: the run holds
   * the lease meanwhile, and `agent.resume`'s `force` takes a thread only from the owner its
   * checkpoint names.
   */
  claim(): void {
    if (this.#unclaimed && !this.#lifecycle.ended) this.#writer.request({ now: true });
  }

  /** Resolves once a run restored without a claim stored its first checkpoint, asked for now. */
  #whenClaimed(): Promise<void> {
    const claimed = this.#claimed!.promise;
    this.#writer.request({ now: true });
    return claimed;
  }

  /** Folds a record into the run's usage; a model call's result ends its count in flight. */
  #fold(entry: JournalEntry, previous: JournalEntry['status'] | undefined): void {
    addRecordUsage(this.#state.usage, entry, previous);
    if (this.#callsInFlight && entry.status !== 'started') this.#callLanded(entry.key);
  }

  limitBeforeModelCall(next: NextModelCall): LimitInfo | undefined {
    if (this.#limit && !this.#limits.wrappingUp) return this.#limit;
    const now = this.runtime.clock.now();
    const own = this.#limits.beforeModelCall(this.#committedUsage(), now, next);
    // A child agent's call counts against its family's limits, its parent's, too — except in
    // the wrap-up grace its own limit gave it.
    if (own || this.#limits.wrappingUp) return own;
    return this.runtime.parentLimit?.(next);
  }

  reserveModelCall(key: string, next: NextModelCall): (() => void) | undefined {
    // Nothing judges a call in flight with no limit on calls, tokens or cost, here or in the
    // family: most runs skip the count, and the abort signal it would listen on.
    if (!this.#limits.countsModelCalls && !this.runtime.parentLimit) return undefined;
    this.#callsInFlight ??= new Map();
    this.#callsInFlight.set(key, projectedUsage(next));
    return () => this.#callLanded(key);
  }

  /** A call in flight has its record (or will have none): its projection stops counting. */
  #callLanded(key: string): void {
    const calls = this.#callsInFlight;
    if (calls?.delete(key) && calls.size === 0) this.#callsInFlight = undefined;
  }

  /**
   * Ends the run in the `limit` outcome — or, when the chart handles `limit.reached` (and has
   * not had its wrap-up yet), hands it the decision and a grace to wrap up within.
   */
  reachLimit(limit: LimitInfo): void {
    if (this.#lifecycle.ended) return;
    this.runtime.events.emit('limit.reached', this.threadId, { ...limit });
    const event = { type: 'limit.reached', ...limit };
    const snapshot = this.actor.getSnapshot() as AnySnapshot;
    if (
      !this.#limits.wrappingUp &&
      snapshot.status === 'active' &&
      snapshot.can?.(event) &&
      this.#lifecycle.moveTo('wrapping-up')
    ) {
      this.#limit = limit;
      const wrapUp = { at: this.runtime.clock.now(), usage: { ...this.familyUsage }, limit };
      this.#limits.startWrapUp(wrapUp.usage, wrapUp.at);
      // Stored with the run: restored in its wrap-up, it goes on with the same grace.
      this.#state.wrapUp = wrapUp;
      this.#armWallTimer();
      this.actor.send(event);
      return;
    }
    this.#limit = limit;
    this.#end('limit');
  }

  fail(error: unknown): void {
    this.#failWith(error, true);
  }

  failHere(error: unknown): void {
    this.#failWith(error, false);
  }

  /** Called by its lease keeper when another owner took the thread. */
  leaseLost(error: RunError): void {
    this.#takenOver(error);
  }

  // ---- inside the run --------------------------------------------------------------------

  #onPhase(from: RunPhase, to: RunPhase): void {
    this.#state.status = storedStatusOf(to);
    if (to === 'failed' && this.#error)
      this.#state.error = storedErrorOf(this.#error, this.runtime);
    if (to === 'limit' && this.#limit) this.#state.limit = { ...this.#limit };
    const active = this.#lifecycle.active;
    if (active && !this.#releaseProcess) {
      this.#releaseProcess = holdProcessOpen();
      this.#armWallTimer();
      if (this.replay === undefined) this.#lease.start();
    } else if (!active && this.#releaseProcess) {
      this.#releaseProcess();
      this.#releaseProcess = undefined;
    }
    // The wall-time limit counts time spent waiting for a person too: its timer (unref'd: it
    // holds no process open) stays armed while the run rests waiting, and goes with its end.
    if (!active && to !== 'waiting') this.#clearWallTimer();
    if (from === 'waiting') {
      this.#wakes++;
      this.#outcomes.clear();
    }
    // A tool that may yet act keeps the lease renewed (see `holdLease`) until it settles.
    if (this.#lifecycle.ended && !this.#leaseHolds?.size) this.#lease.stop();
  }

  /** A waiting run is given work again (an event, a reply). */
  #wake(): void {
    this.#outcomes.clear();
    this.#lifecycle.moveTo(this.#limits.wrappingUp ? 'wrapping-up' : 'running');
  }

  #onSnapshot(snapshot: AnySnapshot): void {
    if (this.#lifecycle.ended) return;
    this.#checkHandBack();
    if (this.#restoredStart) {
      // The restored actor reporting its snapshot: not a macrostep, and nothing new to
      // store; `start()` checks for rest once the delayed events are armed again.
      this.#restoredStart = false;
      this.#stateEnters.observe(snapshot.value);
      this.#watchChildren(snapshot);
      // A thread stored done is stored so already: a resume of it writes nothing.
      if (snapshot.status === 'done') this.#end('done', undefined, this.#storedStatus !== 'done');
      return;
    }
    // A timer that fired or a wait that timed out gives a resting run work again.
    if (this.#lifecycle.phase === 'waiting') this.#wake();
    this.#unclaimed = false;
    this.#state.usage.steps++;
    this.#stateEnters.observe(snapshot.value);
    if (snapshot.status === 'done') {
      this.#end('done');
      return;
    }
    if (snapshot.status !== 'active') return;
    if (this.#checkLimits()) return;
    if (!this.#checkRest()) this.#writer.request();
  }

  /**
   * Watches the actor's child machines (see {@link ChildMachines}), once it has one; true when
   * it found one it did not watch yet.
   */
  #watchChildren(snapshot: AnySnapshot): boolean {
    if (!this.#children) {
      if (!hasChildMachine(snapshot)) return false;
      this.#children = new ChildMachines(() => {
        if (this.#lifecycle.active) this.#queueCheck();
      });
    }
    return this.#children.watch(snapshot);
  }

  /** Looks for rest (and stores nothing else) once pending promise callbacks have run. */
  #queueRestCheck(): void {
    queueMicrotask(() => {
      if (this.#lifecycle.active && !this.#restoredStart) this.#checkRest();
    });
  }

  /** Looks for rest (and stores the state) once pending promise callbacks have run. */
  #queueCheck(): void {
    if (this.#checkQueued) return;
    this.#checkQueued = true;
    queueMicrotask(() => {
      this.#checkQueued = false;
      if (!this.#lifecycle.active || this.#restoredStart) return;
      if (!this.#checkRest()) this.#writer.request();
    });
  }

  #checkLimits(): boolean {
    const limit = this.#limits.reached(this.familyUsage, this.runtime.clock.now());
    if (!limit) return false;
    this.reachLimit(limit);
    return true;
  }

  /** Comes to rest as `waiting` when nothing is left to do; true when it did. */
  #checkRest(): boolean {
    const snapshot = this.actor.getSnapshot() as AnySnapshot;
    if (
      snapshot.status !== 'active' ||
      !this.#lifecycle.active ||
      hasWorkInFlight(snapshot, (child) => this.#effects.isBlocking(child)) ||
      this.#hasNearTimer()
    ) {
      return false;
    }
    if (!this.#lifecycle.moveTo('waiting')) return false;
    // The stored status says `waiting` too (a store can list waiting threads), and the rest
    // is reported only once that checkpoint is written: at once, as a rest takes no more steps.
    // A run restored waiting that nothing moved rests as its stored checkpoint says already.
    if (!this.#unclaimed || this.#writer.awaitingBuild) this.#writer.request({ now: true });
    // A wall-time limit ends the thread while it waits: said with the waits, whose own
    // deadlines may be later (an approval's 24 h against a 10 min run).
    const runDeadline = this.#limits.deadline()?.at;
    void this.#settle({
      status: 'waiting',
      threadId: this.threadId,
      waits: this.waits(),
      usage: this.#usageCopy(),
      ...(runDeadline === undefined ? {} : { runDeadline }),
    });
    return true;
  }

  #onMachineError(error: unknown): void {
    if (this.#lifecycle.ended) return;
    const stored = this.#storedStatus === 'failed' ? this.#state.error : undefined;
    if (stored) {
      // A thread that ended failed, resumed: its actor's error comes back from JSON (an Error
      // as `{}`), and the run's state kept what it was. Stored already: nothing to write.
      this.#error = { name: 'Error', ...stored };
      this.#end('failed', undefined, false);
      return;
    }
    const failure = contextMutationError(error) ?? infiniteLoopError(error) ?? error;
    this.#error = withStackOf(serializeError(failure), failure);
    this.#end('failed', failure);
  }

  #failWith(error: unknown, persist: boolean): void {
    // A start refused (the lease, the first checkpoint): effects waiting to read fail too.
    if (!persist) this.#refuseThreadCreated(error);
    if (this.#lifecycle.ended) return;
    this.failure = error;
    this.#error = serializeError(error);
    this.#end('failed', error, persist);
  }

  #refuseThreadCreated(error: unknown): void {
    this.#threadCreated?.reject(error);
    this.#threadCreated = undefined;
    this.#claimed?.reject(error);
    this.#claimed = undefined;
  }

  /** Another owner took the thread: stop before the next effect, write nothing more. */
  #takenOver(error: RunError): void {
    this.#refuseThreadCreated(error);
    if (!this.#lifecycle.moveTo('taken-over')) return;
    // Before the actor stops: a checkpoint asked for and not built yet would store it stopped.
    this.#writer.abandon();
    this.failure = error;
    this.#abortEffects(() => error);
    this.#waits.clear();
    this.#settleNow({
      status: 'failed',
      threadId: this.threadId,
      error: error.toJSON(),
      usage: this.#usageCopy(),
    });
  }

  #end(status: EndStatus, error?: unknown, persist = true): void {
    if (!this.#lifecycle.moveTo(status)) return;
    // At once: an ended run takes no more steps to share its last checkpoint with.
    if (persist) this.#writer.request({ now: true });
    if (status !== 'done') {
      this.#abortEffects(
        () =>
          new RunError('effect.aborted', { message: `Run "${this.threadId}" ended: ${status}.` }),
      );
    }
    const usage = this.#usageCopy();
    const base = { threadId: this.threadId, usage };
    const snapshot = this.actor.getSnapshot() as AnySnapshot;
    const outcome: RunOutcome =
      status === 'done'
        ? { ...base, status, output: snapshot.output }
        : status === 'failed'
          ? { ...base, status, error: this.#error ?? serializeError(error) }
          : status === 'limit'
            ? { ...base, status, limit: this.#limit! }
            : { ...base, status };
    const released = this.#settle(outcome).then(() => this.#letGoOfLease());
    this.#released = released;
    released.then(this.#detach, this.#detach);
    // A tool that may still act keeps the lease past the end: close() waits for its release.
    if (this.#leaseHolds?.size) this.#releasing = released;
  }

  /** Resolves once an ended run has stored its end and given its lease up (at once when not ended). */
  get released(): Promise<void> {
    return this.#released ?? Promise.resolve();
  }

  /**
   * Set when the run ended while an `unsafe` tool it let go of may still act: resolves once
   * the lease it keeps for the tool is released (or left to lapse).
   */
  get releasing(): Promise<void> | undefined {
    return this.#releasing;
  }

  /** Aborts the effects with the reason `reason` makes (made only if an effect reads it). */
  #abortEffects(reason: () => unknown): void {
    if (!this.#effects.stopped) this.#effects.stop(reason);
    if ((this.actor.getSnapshot() as AnySnapshot).status === 'active') this.actor.stop();
  }

  async #settle(outcome: RunOutcome): Promise<void> {
    const wakes = this.#wakes;
    outcome = await this.#stored(outcome);
    if (outcome.status !== 'waiting' && this.#endHolds?.size) {
      while (this.#endHolds?.size) await Promise.allSettled([...this.#endHolds]);
      // What the end waited for may have recorded a step since: a child agent still being
      // restored when its parent stopped records what it used once it has stopped. The end
      // reports it, and a last checkpoint stores it with its record.
      const usage = this.#usageCopy();
      if (JSON.stringify(usage) !== JSON.stringify(outcome.usage)) {
        this.#writer.request({ now: true });
        outcome = await this.#stored({ ...outcome, usage });
      }
    }
    // A rest overtaken by new work (an event arrived while it was being stored) is no rest,
    // even when that work has come to a rest of its own since: that rest reports itself.
    if (outcome.status === 'waiting' && wakes !== this.#wakes) return;
    this.#settleNow(outcome);
  }

  /** `outcome` once the checkpoints asked for are stored; `failed` if one could not be. */
  async #stored(outcome: RunOutcome): Promise<RunOutcome> {
    try {
      await this.#writer.flush();
      const unstorable = this.#unstorable;
      if (unstorable === undefined || outcome.status === 'failed') return outcome;
      // Ended as done (an output holding a bigint), stored as failed: reported as stored.
      return {
        status: 'failed',
        threadId: this.threadId,
        error: serializeError(unstorable),
        usage: outcome.usage,
      };
    } catch (error) {
      // A checkpoint that cannot be written must not be mistaken for a durable rest.
      this.#lifecycle.moveTo('failed');
      // A run that ended in its first turn meets the store's refusal of its start here.
      this.failure ??= error;
      return {
        status: 'failed',
        threadId: this.threadId,
        error: serializeError(error),
        usage: outcome.usage,
      };
    }
  }

  #settleNow(reached: RunOutcome): void {
    // A failure's message quotes what failed — an upstream that echoed a tool's key, a
    // credential in a driver's error — and a service hands it to whoever sent the request:
    // redacted, as its checkpoint, its events and the outcome of the thread restored are.
    // (A done run's output is the chart's product, and stays as it is.)
    const outcome: RunOutcome =
      reached.status === 'failed'
        ? { ...reached, error: this.runtime.redactor.value(reached.error) }
        : reached;
    if (!this.#outcomes.report(outcome)) return;
    if (outcome.status === 'waiting') {
      // Its checkpoint is stored: what the next one would share with it is not worth
      // keeping while the run waits (see SnapshotSealer.release).
      this.#sealed = undefined;
      this.#snapshotSealer.release();
      const waitIds = outcome.waits.map((wait) => wait.waitId);
      this.runtime.events.emit('run.waiting', this.threadId, { waitIds });
      return;
    }
    if (this.#storedEnded) return;
    this.runtime.events.emit('run.end', this.threadId, {
      status: outcome.status,
      usage: outcome.usage,
      ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
      ...(outcome.status === 'stopped' && outcome.handedBack ? { handedBack: true as const } : {}),
      ...(outcome.status === 'failed' && this.refusedAtStart ? { refused: true as const } : {}),
    });
  }

  /**
   * The checkpoint of the run as it is now, its state as sealed trees (see `sealJson`) that
   * share what did not change with the previous checkpoint's: building it, and a store's
   * delta of it, cost what the macrostep changed, not the size of the state.
   */
  #checkpointAt(version: number): Checkpoint {
    const { sealed, wakeAt } = this.#frozen ?? this.#stateNow();
    return new SealedCheckpoint({
      threadId: this.threadId,
      version,
      machineVersion: this.runtime.machineVersion,
      ...sealed,
      createdAt: this.runtime.clock.now(),
      owner: this.owner,
      ...(wakeAt === undefined ? {} : { wakeAt }),
    });
  }

  /**
   * The checkpoint to store when the run's state cannot be (its context or output holds a
   * bigint): the last stored state of the machine, with the run failed. The store then says
   * what happened instead of `running`, the results of the steps since are written with it
   * (a paid answer among them), and a resume replays them from the journal (paying nothing
   * again) up to the step that failed, which fails the same way unless the chart changed.
   * Undefined for any other error, or when no checkpoint of the thread is stored yet.
   */
  async #failedCheckpointOf(error: unknown, version: number): Promise<Checkpoint | undefined> {
    if (!(error instanceof RunError) || error.code !== 'run.context_not_json') return undefined;
    const stored = version > 1 ? await this.runtime.checkpointer.latest(this.threadId) : undefined;
    if (stored?.version !== version - 1) return undefined;
    this.#unstorable = error;
    this.failure ??= error;
    this.#error ??= serializeError(error);
    if (!this.#lifecycle.ended) this.#end('failed', error, false);
    const run = {
      ...(this.#usageSources ? { ...this.#state, usage: this.familyUsage } : this.#state),
      status: 'failed' as const,
      error: storedErrorOf(serializeError(error), this.runtime),
    };
    return new SealedCheckpoint({
      threadId: this.threadId,
      version,
      machineVersion: stored.machineVersion,
      snapshot: stored.snapshot,
      run: sealJson(run) as RunState,
      delayedEvents: [],
      createdAt: this.runtime.clock.now(),
      owner: this.owner,
    });
  }

  /** The run's state now, sealed, and when it next needs waking. */
  #stateNow(): { sealed: SealedState; wakeAt: number | undefined } {
    // A child agent's thread is driven by its parent's run, so only a root thread asks a
    // scheduler to wake it.
    const wakeAt = this.#state.parentThreadId === undefined ? this.nextWakeAt() : undefined;
    const previous = this.#sealed;
    // `input` never changes after start: sealed (copied) once, then shared.
    this.#sealedInput ??= { value: sealJson(this.#state.input) };
    const sealed: SealedState = {
      snapshot: this.#snapshotSealer.seal(this.actor),
      run: sealJson(
        this.#usageSources
          ? // What the family has used so far, children in flight included; a restore folds
            // the journal again (and restores those children with their own usage).
            { ...this.#state, input: this.#sealedInput.value, usage: this.familyUsage }
          : { ...this.#state, input: this.#sealedInput.value },
        { previous: previous?.run },
      ) as RunState,
      delayedEvents: sealJson(this.#delayed.pending(), {
        previous: previous?.delayedEvents,
      }) as PendingDelayedEvent[],
    };
    this.#sealed = sealed;
    if (this.#childrenWithoutId !== true) this.#warnOfChildWithoutId();
    if (this.#contextNotJson === 'found') this.#warnOfContextNotJson();
    // Child machines are looked for here, once per checkpoint, not at every step of the root
    // (scanning its children at each step cost 7% of a ten-step run's CPU): the step that
    // spawns one is stored by this checkpoint, with what the child did until now. One found
    // now may have stepped already, unseen, so whether the run rests is checked again; its
    // state is in this checkpoint, so nothing else is stored for it.
    if (!this.#lifecycle.ended && this.#watchChildren(this.actor.getSnapshot() as AnySnapshot)) {
      this.#queueRestCheck();
    }
    return { sealed, wakeAt };
  }

  /**
   * Warns of a child spawned without an id that this checkpoint stores: a run restored in
   * another process may lose it (see {@link childWithoutIdWarning}). Looked for until found
   * once per run, and warned of once per agent and place.
   */
  #warnOfChildWithoutId(): void {
    if (this.replay) return;
    const known = this.#childrenWithoutId as ReadonlySet<AnyActorRef> | undefined;
    const [found] = childrenWithoutId(this.actor.getSnapshot() as AnySnapshot, known);
    if (!found) return;
    this.#childrenWithoutId = true;
    const code = 'spawn.without_id';
    if (!firstWarning(this.runtime, code, `${found.state} ${found.src}`)) return;
    this.runtime.events.warn(this.threadId, code, childWithoutIdWarning(found));
  }

  /**
   * Warns of a context value a restored run would read as something else (a Date as a
   * string): the live run and the restored one would differ. Looked for once per run, and
   * warned of once per agent and place.
   */
  #warnOfContextNotJson(): void {
    this.#contextNotJson = 'warned';
    if (this.replay) return;
    const { context, output } = this.actor.getSnapshot() as { context?: unknown; output?: unknown };
    const where = contextValueNotJson(context) ?? contextValueNotJson(output, 'output');
    if (where && firstWarning(this.runtime, 'context.not_json', where)) {
      this.runtime.events.warn(this.threadId, 'context.not_json', contextNotJsonWarning(where));
    }
  }

  #onWritten(checkpoint: Checkpoint, result: CheckpointWriteResult | undefined): void {
    this.#unclaimed = false;
    // Version 1 stored means the thread did not exist before this run: its journal is ours.
    if (checkpoint.version === 1 && this.replay === undefined) this.#journalIsOwn = true;
    this.#threadCreated?.resolve();
    this.#threadCreated = undefined;
    this.#claimed?.resolve();
    this.#claimed = undefined;
    // A replay's checkpoints stay in its throwaway memory store: reported, they would read as
    // writes to the thread (a subscriber counting checkpoints, or a trace, would count them).
    if (this.replay) return;
    this.runtime.events.emit('checkpoint.write', this.threadId, {
      version: checkpoint.version,
      bytes: result ? result.bytes : -1,
    });
  }

  #armWallTimer(): void {
    this.#clearWallTimer();
    const deadline = this.#limits.deadline();
    // A replay's clock fires only the timers the recording saw fire: this one, if the
    // recording went on past the deadline (it then ended there, or wrapped up).
    if (!deadline || (this.replay && deadline.at > this.replay.until)) return;
    const { clock } = this.runtime;
    this.#wallTimer = clock.setTimeout(
      () => {
        this.#wallTimer = undefined;
        if (this.#lifecycle.active || this.#lifecycle.phase === 'waiting') {
          this.reachLimit(deadline.limit);
        }
      },
      Math.max(0, deadline.at - clock.now()),
    );
    unrefTimer(this.#wallTimer);
  }

  #clearWallTimer(): void {
    if (this.#wallTimer !== undefined) this.runtime.clock.clearTimeout(this.#wallTimer);
    this.#wallTimer = undefined;
  }

  #hasNearTimer(): boolean {
    // A replay rests only once the wall-time limit the recording reached has been reached.
    if (this.replay && this.#wallTimer !== undefined) return true;
    const dueIn = this.#delayed.nextDueIn();
    if (dueIn === undefined) return false;
    // A replay rests only when no timer the recording saw fire is left.
    if (this.replay) return this.runtime.clock.now() + dueIn <= this.replay.until;
    return dueIn < restTimerThresholdMs;
  }

  #usageCopy(): RunUsage {
    return { ...this.familyUsage };
  }

  #assertLive(what: string): void {
    if (this.evicted) throw evictedError(this.threadId, what);
    if (this.#lifecycle.ended) throw endedError(this.threadId, this.#lifecycle.phase, what);
  }
}

/** The part of a run's failure its checkpoint keeps (see `RunState.error`). */
function storedErrorOf(
  error: SerializedError,
  { redactor }: AgentRuntime,
): { code: string; message: string } {
  const message = redactor.text(error.message);
  return {
    code: error.code,
    message: message.length > 2_000 ? `${headOf(message, 1_999)}…` : message,
  };
}

/** The most of a stack a failure's outcome carries: the frames that find the line. */
const maxStackCharacters = 4_000;

/**
 * `serialized` with the stack of `thrown`, when the chart's own code threw it (an action, a
 * guard, an `output` function: code `unknown`): its message alone named no line, and the
 * outcome and `run.end` are where a developer looks. Only the live outcome carries it: a
 * checkpoint keeps the code and message (see {@link storedErrorOf}), not the paths of a
 * machine's files.
 */
function withStackOf(serialized: SerializedError, thrown: unknown): SerializedError {
  if (serialized.code !== 'unknown' || !(thrown instanceof Error)) return serialized;
  const { stack } = thrown;
  if (typeof stack !== 'string' || stack === '') return serialized;
  return { ...serialized, stack: headOf(stack, maxStackCharacters) };
}

/** The earlier of two times, either of which may be unknown. */
function earlier(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined || a <= b ? a : b;
}

/** A promise and the functions that settle it. */
interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // Awaited only by effects reading the journal: a refusal with none waiting is not unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Keeps `work` in `holds` until it settles, whether it resolves or rejects. */
function holdUntilSettled(holds: Set<Promise<unknown>>, work: Promise<unknown>): void {
  const held: Promise<unknown> = work.then(
    () => holds.delete(held),
    () => holds.delete(held),
  );
  holds.add(held);
}
