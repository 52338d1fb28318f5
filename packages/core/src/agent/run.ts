import { type AnyActor, createActor, type EventObject, type Snapshot } from 'xstate';

type AnySnapshot = Snapshot<unknown> & {
  value?: unknown;
  output?: unknown;
  can?(event: EventObject): boolean;
};

import { type SerializedError, serializeError } from '../errors/agentchart-error';
import { RunError } from '../errors/run-error';
import type { Checkpoint, RunState, RunStatus } from '../journal/types';
import type { AgentRuntime } from './agent-runtime';
import { CheckpointWriter } from './checkpoint-writer';
import { emptyUsage, reachedLimit } from './limits';
import { registerRun } from './run-registry';
import { leafStatePaths } from './state-paths';
import type { LimitInfo, PendingHumanWait, RunOutcome } from './types';

/** A human wait registered by an effect and answered through the run. */
export interface HumanWaitRegistration {
  waitId: string;
  prompt: string;
  deadline?: number;
  /** Validates the reply; throws a `human.invalid_reply` RunError when it does not fit. */
  accept(value: unknown): void;
}

/** Timers further away than this do not keep a run from coming to rest as `waiting`. */
const restTimerThresholdMs = 5_000;

/**
 * One thread's live execution: the XState actor, its effects, checkpoints, usage and limits.
 * Created by an agent; effects reach it through the actor system (see run-registry).
 */
export class Run {
  readonly actor: AnyActor;
  readonly state: RunState;
  /** Aborted when the run stops or reaches a limit: every effect's signal follows it. */
  readonly stopSignal: AbortSignal;
  /** True while a restored actor restarts its in-flight effects (same keys, not new ones). */
  restoring = false;
  activeEffects = 0;

  readonly #stopController = new AbortController();
  readonly #writer: CheckpointWriter;
  readonly #waits = new Map<string, HumanWaitRegistration>();
  #rest: RunOutcome | undefined;
  #restListeners: ((outcome: RunOutcome) => void)[] = [];
  #previousLeaves = new Set<string>();
  #limit: LimitInfo | undefined;
  #error: SerializedError | undefined;

  constructor(
    readonly runtime: AgentRuntime,
    readonly threadId: string,
    { state, snapshot, version }: { state: RunState; snapshot?: unknown; version: number },
  ) {
    this.state = state;
    this.stopSignal = this.#stopController.signal;
    this.#writer = new CheckpointWriter(
      runtime.checkpointer,
      (next) => this.#checkpointAt(next),
      (checkpoint) =>
        runtime.events.emit('checkpoint.write', threadId, {
          version: checkpoint.version,
          bytes: -1,
        }),
      version,
    );
    this.actor = createActor(runtime.machine, {
      input: state.input,
      clock: runtime.clock,
      ...(snapshot === undefined ? {} : { snapshot: snapshot as never }),
    });
    registerRun(this.actor.system, this);
    this.actor.subscribe({
      next: (next) => this.#onSnapshot(next),
      error: (error) => this.#onMachineError(error),
    });
  }

  /** Creates the state of a thread that has not run yet. */
  static initialState(input: unknown, now: number): RunState {
    return { status: 'running', input, startedAt: now, occurrences: {}, usage: emptyUsage() };
  }

  /** Starts the actor; when restored, its in-flight effects restart under their old keys. */
  start(resumed: boolean): void {
    this.runtime.events.emit('run.start', this.threadId, { input: this.state.input, resumed });
    this.restoring = resumed;
    try {
      this.actor.start();
    } finally {
      this.restoring = false;
    }
    // A restored snapshot that needs nothing more (all effects done, no timers) is at rest now.
    if (resumed) this.#checkRest(this.actor.getSnapshot());
  }

  /** The next time the run comes to rest. */
  result(): Promise<RunOutcome> {
    if (this.#rest) return Promise.resolve(this.#rest);
    return new Promise((resolve) => this.#restListeners.push(resolve));
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
    const wait = waitId === undefined ? this.#onlyWait() : this.#waits.get(waitId);
    if (!wait) {
      throw new RunError('run.not_waiting', {
        message: `Thread "${this.threadId}" has no pending human wait "${waitId}". Pending: ${this.#waitIds()}.`,
        details: { waitId },
      });
    }
    wait.accept(value);
    this.#rest = undefined;
    this.state.status = 'running';
  }

  /** Human waits pending now. */
  waits(): PendingHumanWait[] {
    return [...this.#waits.values()].map(({ waitId, prompt, deadline }) =>
      deadline === undefined ? { waitId, prompt } : { waitId, prompt, deadline },
    );
  }

  /** Registers a human wait; returns the function that removes it. */
  addWait(wait: HumanWaitRegistration): () => void {
    this.#waits.set(wait.waitId, wait);
    return () => this.#waits.delete(wait.waitId);
  }

  /** Stops the run and its effects; the outcome is `stopped` unless it had already ended. */
  async stop(): Promise<RunOutcome> {
    if (!this.#rest || this.state.status === 'waiting') {
      this.#end('stopped');
    }
    return this.result();
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

  #onSnapshot(snapshot: AnySnapshot): void {
    this.state.usage.steps++;
    this.#emitStateEnters(snapshot);
    if (snapshot.status === 'done') {
      this.#end('done');
      return;
    }
    if (snapshot.status !== 'active' || this.#isEnded()) return;
    if (this.checkLimits()) return;
    this.#writer.request();
    this.#checkRest(snapshot);
  }

  #checkRest(snapshot: AnySnapshot): void {
    if (snapshot.status !== 'active' || this.activeEffects > 0 || this.#hasNearTimer()) return;
    this.state.status = 'waiting';
    void this.#settle({
      status: 'waiting',
      threadId: this.threadId,
      waits: this.waits(),
      usage: { ...this.state.usage },
    });
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

  #onMachineError(error: unknown): void {
    this.#error = serializeError(error);
    this.#end('failed', error);
  }

  #end(status: Exclude<RunStatus, 'running' | 'waiting'>, error?: unknown): void {
    if (this.#isEnded()) return;
    this.state.status = status;
    this.#writer.request();
    if (status !== 'done' && status !== 'failed') {
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
  }

  #checkpointAt(version: number): Checkpoint {
    return {
      threadId: this.threadId,
      version,
      machineVersion: this.runtime.machineVersion,
      snapshot: this.actor.getPersistedSnapshot(),
      run: structuredClone(this.state),
      createdAt: this.runtime.clock.now(),
    };
  }

  #emitStateEnters(snapshot: AnySnapshot): void {
    if (!this.runtime.events.isObserved('state.enter')) return;
    const value = (snapshot as { value?: unknown }).value;
    if (value === undefined) return;
    const leaves = new Set(leafStatePaths(value as never));
    for (const leaf of leaves) {
      if (!this.#previousLeaves.has(leaf)) {
        this.runtime.events.emit('state.enter', this.threadId, { state: leaf });
      }
    }
    this.#previousLeaves = leaves;
  }

  #hasNearTimer(): boolean {
    const system = this.actor.system as unknown as {
      getSnapshot(): { _scheduledEvents: Record<string, { delay: number }> };
    };
    for (const timer of Object.values(system.getSnapshot()._scheduledEvents)) {
      if (timer.delay < restTimerThresholdMs) return true;
    }
    return false;
  }

  #isEnded(): boolean {
    const { status } = this.state;
    return status === 'done' || status === 'failed' || status === 'limit' || status === 'stopped';
  }

  #assertLive(what: string): void {
    if (this.#isEnded()) {
      throw new RunError('run.not_waiting', {
        message: `Thread "${this.threadId}" has ended (${this.state.status}); "${what}" cannot be delivered. Start a new thread, or fork this one from a checkpoint.`,
        details: { status: this.state.status },
      });
    }
  }

  #onlyWait(): HumanWaitRegistration | undefined {
    if (this.#waits.size > 1) {
      throw new RunError('run.not_waiting', {
        message: `Thread "${this.threadId}" has ${this.#waits.size} pending human waits (${this.#waitIds()}); pass the waitId to answer one.`,
      });
    }
    return this.#waits.values().next().value;
  }

  #waitIds(): string {
    return [...this.#waits.keys()].join(', ') || 'none';
  }
}
