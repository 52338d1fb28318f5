import { type AnyActor, createActor, type EventObject, type Snapshot } from 'xstate';
import type { LimitInfo, PendingHumanWait, RunOutcome } from '../agent/types';
import { type SerializedError, serializeError } from '../errors/agentchart-error';
import { RunError } from '../errors/run-error';
import type {
  Checkpoint,
  CheckpointWriteResult,
  PendingDelayedEvent,
  RunState,
  RunStatus,
} from '../store/types';
import type { AgentRuntime } from './agent-runtime';
import { CheckpointWriter } from './checkpoint-writer';
import { DelayedEvents } from './delayed-events';
import { type HumanWaitRegistration, HumanWaits } from './human-waits';
import { emptyUsage, reachedLimit } from './limits';
import { endedError, evictedError } from './run-errors';
import { registerRun } from './run-registry';
import { StateEnterEvents } from './state-enter-events';

export type { HumanWaitRegistration } from './human-waits';

type AnySnapshot = Snapshot<unknown> & {
  value?: unknown;
  output?: unknown;
  can?(event: EventObject): boolean;
};

/** Timers further away than this do not keep a run from coming to rest as `waiting`. */
const restTimerThresholdMs = 5_000;

/** How a {@link Run} is created. */
export interface RunOptions {
  state: RunState;
  /** The persisted snapshot to restore; absent for a new thread. */
  snapshot?: unknown;
  /** The version of the last checkpoint already stored for this run (0 for none). */
  version: number;
  /** This run's token, written with every checkpoint; journal writes are fenced on it. Default: a new id. */
  owner?: string;
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
  /** For a replay: the recording's clock. */
  replay?: ReplayTimeline;
}

/** A human wait as the journal has it when a run is restored. */
export interface RecordedWait {
  status: 'started' | 'completed' | 'failed';
  deadline?: number;
}

/** How a replay follows the recorded run's time. */
export interface ReplayTimeline {
  /** When the recording last did anything: delayed events due later never fired in it. */
  until: number;
  /** Moves the replay's clock to a recorded step's time. */
  advanceTo(at: number): void;
}

/**
 * One thread's live execution: the XState actor, its effects, checkpoints, usage and limits.
 * Created by an agent; effects reach it through the actor system (see run-registry).
 */
export class Run {
  readonly actor: AnyActor;
  readonly state: RunState;
  /** Aborted when the run stops or reaches a limit: every effect's signal follows it. */
  readonly stopSignal: AbortSignal;
  readonly owner: string;
  readonly replaying: boolean;
  /** Set in a replay: the recording's timeline. */
  readonly timeline: ReplayTimeline | undefined;
  /** True while a restored actor restarts its in-flight effects (same keys, not new ones). */
  restoring = false;
  activeEffects = 0;
  /** The error a run was failed with by the harness (a conflict, a replay miss), as thrown. */
  failure: unknown;

  readonly #stopController = new AbortController();
  readonly #writer: CheckpointWriter;
  readonly #waits: HumanWaits;
  readonly #stateEnters: StateEnterEvents;
  readonly #delayed: DelayedEvents;
  #rest: RunOutcome | undefined;
  #restListeners: ((outcome: RunOutcome) => void)[] = [];
  readonly #settledListeners: ((outcome: RunOutcome) => void)[] = [];
  #limit: LimitInfo | undefined;
  #error: SerializedError | undefined;
  #evicted = false;
  /** A restored actor reports its snapshot once when it starts: that is not a new macrostep. */
  #restoredStart = false;
  readonly #recordedWaits: ReadonlyMap<string, RecordedWait>;

  constructor(
    readonly runtime: AgentRuntime,
    readonly threadId: string,
    {
      state,
      snapshot,
      version,
      owner,
      mode = 'live',
      recordedWaits = new Map(),
      replay,
    }: RunOptions,
  ) {
    this.state = state;
    this.timeline = replay;
    this.#recordedWaits = recordedWaits;
    this.owner = owner ?? runtime.generateId();
    this.replaying = mode === 'replay';
    this.stopSignal = this.#stopController.signal;
    this.#waits = new HumanWaits(threadId);
    this.#stateEnters = new StateEnterEvents(runtime.events, threadId);
    this.#writer = new CheckpointWriter({
      checkpointer: runtime.checkpointer,
      build: (next) => this.#checkpointAt(next),
      onWritten: (checkpoint, result) => this.#onWritten(checkpoint, result),
      onFailure: (error) => this.fail(error, { persist: false }),
      version,
    });
    this.actor = createActor(runtime.machine, {
      input: state.input,
      clock: runtime.clock,
      ...(snapshot === undefined ? {} : { snapshot: snapshot as never }),
    });
    this.#delayed = new DelayedEvents(this.actor, runtime.clock, runtime.generateId);
    registerRun(this.actor.system, this);
    this.actor.subscribe({
      next: (next) => this.#onSnapshot(next),
      error: (error) => this.#onMachineError(error),
    });
  }

  /** Creates the state of a thread that has not run yet. */
  static initialState(input: unknown, now: number, tenantId?: string): RunState {
    return {
      status: 'running',
      input,
      startedAt: now,
      occurrences: {},
      usage: emptyUsage(),
      ...(tenantId === undefined ? {} : { tenantId }),
    };
  }

  /**
   * Starts the actor. When restored, its in-flight effects restart under their old keys and
   * the stored delayed events are armed again with the time they had left.
   */
  start(
    options: boolean | { resumed: boolean; delayedEvents?: readonly PendingDelayedEvent[] },
  ): void {
    const { resumed, delayedEvents = [] } =
      typeof options === 'boolean' ? { resumed: options } : options;
    this.runtime.events.emit('run.start', this.threadId, { input: this.state.input, resumed });
    this.restoring = resumed;
    this.#restoredStart = resumed;
    try {
      this.actor.start();
    } finally {
      this.restoring = false;
    }
    if (this.#isEnded()) return;
    this.#delayed.rearm(delayedEvents);
    // A restored snapshot that needs nothing more (all effects done, no timers) is at rest now.
    if (resumed) this.#checkRest(this.actor.getSnapshot());
  }

  /** The next time the run comes to rest. */
  result(): Promise<RunOutcome> {
    if (this.#rest) return Promise.resolve(this.#rest);
    return new Promise((resolve) => this.#restListeners.push(resolve));
  }

  /** Calls `listener` every time the run comes to rest (each `waiting`, and its end). */
  onRest(listener: (outcome: RunOutcome) => void): void {
    this.#settledListeners.push(listener);
  }

  /** Sends an event to the machine; the run is active again until its next rest. */
  send(event: EventObject): void {
    this.#assertLive(event.type);
    this.#rest = undefined;
    this.state.status = 'running';
    this.actor.send(event);
  }

  /** Answers a pending human wait. */
  reply(value: unknown, waitId?: string): void {
    this.#assertLive('human.reply');
    this.#waits.find(waitId).accept(value);
    this.#rest = undefined;
    this.state.status = 'running';
  }

  /** Human waits pending now. */
  waits(): PendingHumanWait[] {
    return this.#waits.list();
  }

  /** Registers a human wait; returns the function that removes it. */
  addWait(wait: HumanWaitRegistration): () => void {
    return this.#waits.add(wait);
  }

  /** The human wait `key` as the journal had it when this run was restored, if it was there. */
  recordedWait(key: string): RecordedWait | undefined {
    return this.#recordedWaits.get(key);
  }

  /** When this run next needs to act on its own: a wait's deadline or a delayed event. */
  nextWakeAt(): number | undefined {
    const deadline = this.#waits.nextDeadline();
    const dueIn = this.#delayed.nextDueIn();
    const due = dueIn === undefined ? undefined : this.runtime.clock.now() + dueIn;
    if (deadline === undefined) return due;
    return due === undefined ? deadline : Math.min(deadline, due);
  }

  /** Stops the run and its effects; the outcome is `stopped` unless it had already ended. */
  async stop(): Promise<RunOutcome> {
    if (this.#evicted) return this.result();
    if (!this.#rest || this.state.status === 'waiting') {
      this.#end('stopped');
    }
    return this.result();
  }

  /**
   * Drops a waiting run from memory: its effects and actor stop, its checkpoint stays as it
   * is (`waiting`), and `agent.send()` or `agent.resume()` restores it later.
   */
  evict(): void {
    if (this.state.status !== 'waiting' || !this.#rest || this.#evicted) return;
    this.#evicted = true;
    this.#stopController.abort(
      new RunError('effect.aborted', {
        message: `Run "${this.threadId}" was evicted from memory while waiting; its checkpoint keeps it.`,
      }),
    );
    this.actor.stop();
    this.#waits.clear();
  }

  /** The outcome the run is resting in now, if it is at rest. */
  restingIn(): RunOutcome | undefined {
    return this.#rest;
  }

  /** True once {@link evict} dropped the run: only its checkpoint holds it now. */
  get evicted(): boolean {
    return this.#evicted;
  }

  /**
   * Ends the run as `failed` with an error of the harness, not of the chart: another process
   * took the thread over, a checkpoint could not be written, a replay left the recorded path.
   */
  fail(error: unknown, { persist = true }: { persist?: boolean } = {}): void {
    if (this.#isEnded()) return;
    this.failure = error;
    this.#error = serializeError(error);
    this.#end('failed', error, persist);
  }

  /**
   * Ends the run in the `limit` outcome — or, when the chart handles `limit.reached`, hands it
   * the decision (e.g. summarise and finish) instead.
   */
  reachLimit(limit: LimitInfo): void {
    if (this.#isEnded()) return;
    this.runtime.events.emit('limit.reached', this.threadId, { ...limit });
    const event = { type: 'limit.reached', ...limit };
    const snapshot = this.actor.getSnapshot();
    if (!this.#limit && snapshot.status === 'active' && snapshot.can?.(event)) {
      this.#limit = limit;
      this.actor.send(event);
      return;
    }
    this.#limit = limit;
    this.#end('limit');
  }

  /** Checks the run's limits now; true when one is reached (then the run is ending). */
  checkLimits(): boolean {
    if (this.#limit) return true;
    const limit = reachedLimit(
      this.runtime.limits,
      this.state.usage,
      this.runtime.clock.now() - this.state.startedAt,
    );
    if (!limit) return false;
    this.reachLimit(limit);
    return true;
  }

  /**
   * Called by every effect when it settles. A completed effect is followed by the machine's
   * own macrostep (its done event), which checks for rest; an aborted one (its state was
   * exited) is not, so the check happens here.
   */
  effectSettled(aborted: boolean): void {
    this.activeEffects--;
    if (aborted && this.activeEffects === 0) {
      queueMicrotask(() => {
        if (!this.#isEnded() && !this.#rest) this.#checkRest(this.actor.getSnapshot());
      });
    }
  }

  #onSnapshot(snapshot: AnySnapshot): void {
    if (this.#evicted) return;
    if (this.#restoredStart) {
      // The restored actor reporting its snapshot: not a macrostep, and nothing new to
      // store; `start()` checks for rest once the delayed events are armed again.
      this.#restoredStart = false;
      this.#stateEnters.observe(snapshot.value);
      if (snapshot.status === 'done') this.#end('done');
      return;
    }
    this.state.usage.steps++;
    this.#stateEnters.observe(snapshot.value);
    if (snapshot.status === 'done') {
      this.#end('done');
      return;
    }
    if (snapshot.status !== 'active' || this.#isEnded()) return;
    if (this.checkLimits()) return;
    if (!this.#checkRest(snapshot)) this.#writer.request();
  }

  /** Comes to rest as `waiting` when nothing is left to do; true when it did. */
  #checkRest(snapshot: AnySnapshot): boolean {
    if (snapshot.status !== 'active' || this.activeEffects > 0 || this.#hasNearTimer()) {
      return false;
    }
    this.state.status = 'waiting';
    // The stored status says `waiting` too (a store can list waiting threads), and the rest
    // is reported only once that checkpoint is written.
    this.#writer.request();
    void this.#settle({
      status: 'waiting',
      threadId: this.threadId,
      waits: this.waits(),
      usage: { ...this.state.usage },
    });
    return true;
  }

  #onMachineError(error: unknown): void {
    if (this.#evicted || this.#isEnded()) return;
    this.#error = serializeError(error);
    this.#end('failed', error);
  }

  #end(status: Exclude<RunStatus, 'running' | 'waiting'>, error?: unknown, persist = true): void {
    if (this.#isEnded()) return;
    this.state.status = status;
    if (persist) this.#writer.request();
    if (status !== 'done' && this.actor.getSnapshot().status === 'active') {
      this.#stopController.abort(
        new RunError('effect.aborted', { message: `Run "${this.threadId}" ended: ${status}.` }),
      );
      this.actor.stop();
    }
    const usage = { ...this.state.usage };
    const base = { threadId: this.threadId, usage };
    const snapshot = this.actor.getSnapshot();
    const outcome: RunOutcome =
      status === 'done'
        ? { ...base, status, output: snapshot.output }
        : status === 'failed'
          ? { ...base, status, error: this.#error ?? serializeError(error) }
          : status === 'limit'
            ? { ...base, status, limit: this.#limit! }
            : { ...base, status };
    void this.#settle(outcome);
  }

  async #settle(outcome: RunOutcome): Promise<void> {
    try {
      await this.#writer.flush();
    } catch (error) {
      // A checkpoint that cannot be written must not be mistaken for a durable rest.
      const failure = serializeError(error);
      outcome = { status: 'failed', threadId: this.threadId, error: failure, usage: outcome.usage };
      this.state.status = 'failed';
    }
    if (outcome.status === 'waiting' && this.state.status !== 'waiting') return;
    if (this.#rest && this.#rest.status !== 'waiting') return;
    this.#rest = outcome;
    if (outcome.status !== 'waiting') {
      this.runtime.events.emit('run.end', this.threadId, {
        status: outcome.status,
        ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
      });
    }
    const listeners = this.#restListeners;
    this.#restListeners = [];
    for (const listener of listeners) listener(outcome);
    for (const listener of this.#settledListeners) listener(outcome);
  }

  #checkpointAt(version: number): Checkpoint {
    return {
      threadId: this.threadId,
      version,
      machineVersion: this.runtime.machineVersion,
      snapshot: this.actor.getPersistedSnapshot(),
      // The parts a run mutates are copied; `input` never changes after start. A deep clone
      // here cost ~17 µs a step (docs/performance.md); stores serialise what they keep.
      run: {
        ...this.state,
        occurrences: { ...this.state.occurrences },
        usage: { ...this.state.usage },
      },
      delayedEvents: this.#delayed.pending(),
      createdAt: this.runtime.clock.now(),
      owner: this.owner,
    };
  }

  #onWritten(checkpoint: Checkpoint, result: CheckpointWriteResult | undefined): void {
    this.runtime.events.emit('checkpoint.write', this.threadId, {
      version: checkpoint.version,
      bytes: result ? result.bytes : -1,
    });
  }

  #hasNearTimer(): boolean {
    const dueIn = this.#delayed.nextDueIn();
    if (dueIn === undefined) return false;
    // A replay rests only when no timer the recording saw fire is left.
    if (this.timeline) return this.runtime.clock.now() + dueIn <= this.timeline.until;
    return dueIn < restTimerThresholdMs;
  }

  #isEnded(): boolean {
    const { status } = this.state;
    return status === 'done' || status === 'failed' || status === 'limit' || status === 'stopped';
  }

  #assertLive(what: string): void {
    if (this.#evicted) throw evictedError(this.threadId, what);
    if (this.#isEnded()) throw endedError(this.threadId, this.state.status, what);
  }
}
