import type { AnyActorRef } from 'xstate';
import { AgentchartError, serializeError } from '../errors/agentchart-error';
import { capSerializedError } from '../ledger/cap-journal-value';
import type { JournalEntry, JournaledStep, LateToolResult } from '../ledger/types';
import type { ChatRequest, ChatResponse } from '../model/types';
import { guardBlockedError } from '../pipeline/guard-blocked-error';
import { refusedLimitOf } from '../pipeline/limit-refusal';
import type { ModelCallOutcome, ModelCallScope, ModelCallSettings } from '../pipeline/types';
import type { AbortListener, EffectHandle, ReadJournalOptions, RunPort } from '../run/run-port';
import type { ReconcileAnswer } from '../tools/types';
import { ambiguousToolError } from './ambiguous-tool-error';
import { RecordedEffectError } from './recorded-effect-error';
import { replayStep } from './replay-step';

/** A running step whose usage its run counts, and whose abort may record a result. */
interface LiveStep<T> {
  /** Set once the step's result or failure is being recorded, by its end or by its abort. */
  recorded: boolean;
  onAbortResult: ((value: T) => void) | undefined;
  stopCounting: () => void;
}

/** An unsafe tool step left `started` when its effect was aborted. */
interface AbortedStep {
  entry: JournalEntry;
  previous: JournalEntry['status'] | undefined;
  executing: number;
}

/** What such a tool returned after the abort, and who waits for it to be recorded. */
interface LateResult {
  output: () => unknown;
  done: () => void;
}

/**
 * One running effect actor: its key (site + occurrence), its abort signal, and the journaled
 * steps it takes (model calls, tool runs, waits). Every step goes through {@link journaled},
 * so on resume a recorded result is returned instead of running the step again. It talks to
 * its run only through the {@link RunPort}.
 */
export class EffectScope implements ModelCallScope {
  readonly key: string;
  readonly #handle: EffectHandle;
  #step = 0;
  /**
   * Unsafe tool steps whose effect was aborted while they ran, and results such a tool gave
   * after it: whichever comes second records the step (see {@link recordAfterAbort}). Made
   * on the first: most effects are never aborted mid-tool.
   */
  #afterAbort: Map<string, AbortedStep | LateResult> | undefined;

  readonly #actor: AnyActorRef | undefined;

  /**
   * @param state The chart state that invoked the effect (a dotted path), recorded with each
   * of its journal records; undefined for a spawned actor.
   * @param actor The effect's own actor, whose parent the chart is (see {@link takesFailure}).
   */
  constructor(
    readonly run: RunPort,
    readonly site: string,
    handle: EffectHandle,
    readonly state?: string,
    actor?: AnyActorRef,
  ) {
    this.#handle = handle;
    this.key = handle.key;
    this.#actor = actor;
  }

  get threadId(): string {
    return this.run.threadId;
  }

  /**
   * Aborted when the effect's state is left, the run ends, or it loses its thread. Made when
   * first read: a wait that only needs to know when it is aborted uses
   * {@link addAbortListener}, which costs a resting run no signal.
   */
  get signal(): AbortSignal {
    return this.#handle.signal;
  }

  /** True once the effect was aborted (`signal.aborted`, without making the signal). */
  get aborted(): boolean {
    return this.#handle.aborted;
  }

  /** Why the effect was aborted (`signal.reason`); undefined until it is. */
  get abortReason(): unknown {
    return this.#handle.abortReason;
  }

  /** Calls `listener.handleEvent()` once when the effect is aborted (not if it already was). */
  addAbortListener(listener: AbortListener): void {
    this.#handle.addAbortListener(listener);
  }

  removeAbortListener(listener: AbortListener): void {
    this.#handle.removeAbortListener(listener);
  }

  /** Marks the effect as waiting on the outside world (true) or working (false). */
  setIdle(idle: boolean): void {
    this.#handle.setIdle(idle);
  }

  /** The key of the next step within this effect, stable across resumes. */
  nextKey(label: string): string {
    return `${this.key}/${this.#step++}:${label}`;
  }

  /**
   * The key of a step taken on behalf of the next one, labelled `label`, without using up a
   * step: a summary written to fit the next model call's context. Whether such a step is
   * taken never moves the keys of the steps after it. `ahead` looks that many steps further
   * (where a call a restored tool loop has not reached yet was journaled).
   */
  peekKey(label: string, ahead = 0): string {
    return `${this.key}/${this.#step + ahead}:${label}`;
  }

  /** The journal entry of `key`, if one was written (see {@link RunPort.readJournal}). */
  readJournal(key: string): Promise<JournalEntry | undefined> {
    return this.run.readJournal(key);
  }

  /**
   * Runs `execute` once per key across crashes: a completed step returns its recorded value,
   * a failed one its recorded error; an `unsafe` step found started but unfinished is
   * ambiguous and goes to `reconcile`, or fails with `effect.ambiguous`. The intent is
   * durable before `execute` runs, which is given the record found for `key` before this
   * call, if any (a step started before a restart), and the time the step began executing on
   * the run's clock (what its latency is measured from). In a replay nothing executes: see
   * {@link RunPort.replay}.
   */
  journaled<T>(
    key: string,
    step: JournaledStep<T>,
    execute: (recorded: JournalEntry | undefined, executing: number) => Promise<T>,
    reconcile?: () => Promise<ReconcileAnswer<T>>,
  ): Promise<{ value: T; replayed: boolean }> {
    const { run } = this;
    if (!step.resultOnAbort || run.replay) {
      return this.#journaled(key, step, execute, reconcile, doNothing);
    }
    // A step that records a result when aborted (a child agent, with what it used) holds its
    // run's end until it begins, or settles without beginning: a run restored past a limit
    // ends in its first turn, while the step still reads its record, and would report its end
    // without it. Once the step runs, its abort listener records it (see #liveStep).
    let began = doNothing;
    run.endAfter(
      new Promise<void>((resolve) => {
        began = resolve;
      }),
    );
    const journaled = this.#journaled(key, step, execute, reconcile, began);
    journaled.then(began, began);
    return journaled;
  }

  #journaled<T>(
    key: string,
    step: JournaledStep<T>,
    execute: (recorded: JournalEntry | undefined, executing: number) => Promise<T>,
    reconcile: (() => Promise<ReconcileAnswer<T>>) | undefined,
    began: () => void,
  ): Promise<{ value: T; replayed: boolean }> {
    const { run } = this;
    const reading = { harmlessToRepeat: step.effect === 'pure' && step.kind === 'tool' };
    // A pure tool's key that the run knows has no record (its own new thread's) is not read:
    // the step begins in this call. The read answered nothing, and cost every such step a
    // promise, an async frame and the ticks of awaiting them.
    if (reading.harmlessToRepeat && !run.replay && run.knowsNoRecord(key, reading)) {
      return this.#runFresh(key, step, execute, began);
    }
    return this.#readThenRun(key, step, execute, reconcile, began, reading);
  }

  /**
   * {@link journaled} for a pure tool whose key has no record, known without a read: what
   * {@link #readThenRun} does when its read finds nothing, with nothing awaited.
   */
  #runFresh<T>(
    key: string,
    step: JournaledStep<T>,
    execute: (recorded: JournalEntry | undefined, executing: number) => Promise<T>,
    began: () => void,
  ): Promise<{ value: T; replayed: boolean }> {
    try {
      const entry = this.#newEntry(key, step);
      const handle = this.#handle;
      if (this.run.handingBack) return this.run.holdStep(handle);
      handle.beginStep();
      if (this.aborted) {
        handle.endStep();
        return Promise.reject(this.abortReason);
      }
      const recorded = this.#record(entry, undefined, step, execute, undefined, entry.startedAt);
      began();
      return recorded.then(handle.endStepWith, handle.endStepWithError);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The `started` record of a step that has none yet. */
  #newEntry<T>(key: string, step: JournaledStep<T>): JournalEntry {
    const entry: JournalEntry = {
      threadId: this.threadId,
      key,
      site: this.site,
      kind: step.kind,
      effect: step.effect,
      name: step.name,
      status: 'started',
      startedAt: this.run.clock.now(),
    };
    // Set in this order (the record's JSON keeps it), not spread from a fresh `{ input }`:
    // an object less per step.
    if (step.input !== undefined) entry.input = step.input;
    // Added to the facts' fresh object rather than spread into a new one: two spreads gave
    // every entry's meta a map (hidden class) of its own, which each write re-examines.
    entry.meta = Object.assign(this.#facts(), step.meta);
    return entry;
  }

  async #readThenRun<T>(
    key: string,
    step: JournaledStep<T>,
    execute: (recorded: JournalEntry | undefined, executing: number) => Promise<T>,
    reconcile: (() => Promise<ReconcileAnswer<T>>) | undefined,
    began: () => void,
    reading: ReadJournalOptions,
  ): Promise<{ value: T; replayed: boolean }> {
    const { run } = this;
    const found = await run.readJournal(key, reading);
    if (run.replay) return replayStep<T>(this, key, step, found);
    // A model call a limit refused was never sent: on resume it is judged again by the limits
    // the run has now, as a call never tried would be.
    const existing = refusedLimitOf(found?.error) ? undefined : found;
    if (existing?.status === 'completed') {
      run.runtime.events.emit('effect.replayed', this.threadId, {
        site: this.site,
        key,
        kind: step.kind,
      });
      return { value: existing.output as T, replayed: true };
    }
    if (existing?.status === 'failed') {
      throw new RecordedEffectError(existing.error ?? serializeError(undefined));
    }
    const entry: JournalEntry = existing ?? this.#newEntry(key, step);
    // Being handed back (agent.close()): a step not started is not started here. A wait for
    // a person is let open: it costs nothing and the run comes to rest on it. Any other step
    // is counted while it executes: a run being handed back waits for its steps in flight.
    const handle = step.kind === 'human' ? undefined : this.#handle;
    if (handle) {
      if (run.handingBack) return run.holdStep(handle);
      handle.beginStep();
    }
    let previous = found?.status;
    // A new step whose intent is not written (a pure tool's) begins executing as its record
    // is made, with nothing awaited in between: its start is that instant, not another read
    // of the clock (three a tool call were: the record's, the step's and the timeout's).
    let executingAt = existing === undefined ? entry.startedAt : undefined;
    try {
      if (existing?.status === 'started' && step.effect === 'unsafe' && step.kind === 'tool') {
        const settled = await this.#reconcile(entry, reconcile);
        if (settled) {
          handle?.endStep();
          return { value: settled.output as T, replayed: true };
        }
      } else if (!existing && !(step.effect === 'pure' && step.kind === 'tool')) {
        // Intent first, so a crash mid-step is visible on resume. A pure tool skips it: running
        // it again is harmless and it has nothing to reconcile, so the row would cost a write
        // and tell nothing. Only an unsafe step's intent guards an action (it routes a step
        // found unfinished to reconcile): only it needs to survive a power loss before the step
        // acts, so only it costs an fsync of its own.
        await run.appendJournal(entry, previous, { durable: step.effect === 'unsafe' });
        previous = 'started';
        executingAt = undefined;
      }
    } catch (error) {
      handle?.endStep();
      throw error;
    }
    // Aborted while its intent was read or written (its run stopped, its state was left): the
    // step does not begin. An unsafe tool would act after the run's end, and a wait would ask
    // a person to answer an ended thread. Its record stays `started`, as an aborted step's does.
    if (this.aborted) {
      handle?.endStep();
      // A step that began before a restart (a child agent restored with its parent) is
      // aborted before it could go on: what it records when aborted is recorded all the same.
      if (existing && step.resultOnAbort) this.#recordOnAbort(entry, previous, step);
      throw this.abortReason;
    }
    // Returned, not awaited: while the step runs (a wait for a person may last days) the run
    // keeps no frame of this one.
    const recorded = this.#record(entry, previous, step, execute, existing, executingAt);
    began();
    return handle ? recorded.then(handle.endStepWith, handle.endStepWithError) : recorded;
  }

  /**
   * Runs a journaled step that has no result yet, and records how it ended. Not an async
   * function: while the step runs (a wait for a person may last days) the run keeps two small
   * closures, not a suspended frame.
   */
  #record<T>(
    entry: JournalEntry,
    previous: JournalEntry['status'] | undefined,
    step: JournaledStep<T>,
    execute: (recorded: JournalEntry | undefined, executing: number) => Promise<T>,
    recorded: JournalEntry | undefined,
    executingAt: number | undefined,
  ): Promise<{ value: T; replayed: boolean }> {
    // Measured around the step itself, not the intent's write before it. A wait found
    // started is the same wait going on (the person was asked once, before the run left
    // memory or the process): it lasts from when it was opened until the reply; so does a
    // child agent, restored from its own checkpoint rather than started again. Any other
    // step found started runs again, and lasts what that run takes.
    const executing =
      (recorded?.status === 'started' ? goesOnSince(entry) : undefined) ??
      executingAt ??
      this.run.clock.now();
    // Kept by the closures below for as long as the step runs (days, for a wait): of the
    // step, only what its result's record needs (its `meta` is the entry's already).
    const { resultMeta } = step;
    const live = step.liveUsage || step.resultOnAbort ? this.#liveStep(step) : undefined;
    let running: Promise<T>;
    try {
      running = execute(recorded, executing);
    } catch (error) {
      running = Promise.reject(error);
    }
    const failed = (error: unknown) => {
      if (live) {
        live.recorded = true;
        live.stopCounting();
      }
      return this.#recordFailure(entry, previous, executing, error);
    };
    if (live) {
      live.onAbortResult = (value) => {
        // In the same turn as the abort: the run's end, which aborted it, reports its usage.
        void this.#recordResult(entry, previous, executing, resultMeta, value).catch(() => {
          // A journal that cannot be written fails the run (see RunPort.appendJournal).
        });
      };
    }
    return running.then((value) => {
      if (live) {
        // Recorded when it was aborted: once is all a step is recorded.
        if (live.recorded) return { value, replayed: false };
        live.recorded = true;
        live.stopCounting();
      } else if (this.aborted && !this.#handedBack) {
        // A result that comes after its state was left or its run ended is not recorded, as
        // a failure then is not (see #handedBack): the run's end has reported and stored its
        // usage without it, and a model call recorded now made the journal count a call (and
        // its cost) that the outcome and the checkpoint did not — written after close() too.
        // A step counted live (a child agent) records what it gave at its abort instead.
        throw this.abortReason;
      }
      // A failure to record the result fails the step, as the step's own failure does.
      return this.#recordResult(entry, previous, executing, resultMeta, value).catch(failed);
    }, failed);
  }

  /**
   * Records the step's `resultOnAbort`, for a step aborted before it went on: the run's end
   * waits for it (the end is still held by {@link journaled}).
   */
  #recordOnAbort<T>(
    entry: JournalEntry,
    previous: JournalEntry['status'] | undefined,
    step: JournaledStep<T>,
  ): void {
    const executing = goesOnSince(entry) ?? this.run.clock.now();
    const { resultMeta } = step;
    const record = async (value: T | undefined) => {
      if (value === undefined) return;
      await this.#recordResult(entry, previous, executing, resultMeta, value).catch(() => {
        // A journal that cannot be written fails the run (see RunPort.appendJournal).
      });
    };
    let value: T | Promise<T | undefined> | undefined;
    try {
      value = step.resultOnAbort?.();
    } catch {
      return;
    }
    this.run.endAfter(
      value instanceof Promise ? value.then(record, () => undefined) : record(value),
    );
  }

  /**
   * Counts a running step's usage in its run until its record does (see
   * `JournaledStep.liveUsage`), and records its `resultOnAbort` when it is aborted.
   */
  #liveStep<T>(step: JournaledStep<T>): LiveStep<T> {
    const { liveUsage, resultOnAbort } = step;
    const live: LiveStep<T> = {
      recorded: false,
      onAbortResult: undefined,
      stopCounting: liveUsage ? this.run.addUsageSource(liveUsage) : () => undefined,
    };
    const record = (value: T | undefined) => {
      // Its own result may have come first (a result given as a promise settles later).
      if (value === undefined || live.recorded) return;
      live.recorded = true;
      // Stopped counting as the record folds it in: never both, never neither.
      live.stopCounting();
      live.onAbortResult?.(value);
    };
    if (resultOnAbort) {
      this.addAbortListener({
        handleEvent: () => {
          // Ended before it was aborted: its own result is on record (or on its way there).
          if (live.recorded || !live.onAbortResult) return;
          const value = resultOnAbort();
          if (value instanceof Promise) {
            this.run.endAfter(value.then((settled) => record(settled)));
          } else record(value);
        },
      });
    }
    return live;
  }

  /**
   * Records a step's result. Not an async function (a thrown error is still returned as a
   * rejection): its one await cost every journaled step an async frame and its promises.
   */
  #recordResult<T>(
    entry: JournalEntry,
    previous: JournalEntry['status'] | undefined,
    executing: number,
    resultMeta: JournaledStep<T>['resultMeta'],
    value: T,
  ): Promise<{ value: T; replayed: boolean }> {
    try {
      const { run } = this;
      const finishedAt = run.clock.now();
      const meta = {
        ...entry.meta,
        latencyMs: Math.max(0, finishedAt - executing),
        ...resultMeta?.(value),
      };
      const completed = { ...entry, status: 'completed' as const, finishedAt, output: value, meta };
      const written = run.appendJournal(completed, previous, { withCheckpoint: true });
      return written.then(() => ({ value, replayed: false }));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #recordFailure(
    entry: JournalEntry,
    previous: JournalEntry['status'] | undefined,
    executing: number,
    error: unknown,
  ): Promise<never> {
    const { run } = this;
    // An aborted step (state exited, run stopped) stays `started`: whether it acted is unknown
    // — unless an unsafe tool, which the abort does not stop, answers after all.
    if (entry.kind === 'tool' && entry.effect === 'unsafe' && this.#keepsLateResult) {
      this.#meetAfterAbort(entry.key, { entry, previous, executing });
    }
    if (!this.aborted) {
      const finishedAt = run.clock.now();
      await run.appendJournal(
        {
          ...entry,
          status: 'failed',
          finishedAt,
          error: capSerializedError(serializeError(error), {
            maxBytes: run.maxJournalValueBytes,
            redactor: run.runtime.redactor,
          }),
          meta: { ...entry.meta, latencyMs: Math.max(0, finishedAt - executing) },
        },
        previous,
        { withCheckpoint: true },
      );
    }
    throw error;
  }

  /**
   * Records what an `unsafe` tool returned after its effect was aborted mid-call, while the
   * run still holds the thread's lease for it. The tool acted, and what it returned is known:
   *
   * - its run handed back (by `close()`): the step is recorded `completed`, so a resume finds
   *   it done instead of ambiguous, and neither asks `reconcile` nor fails the run with
   *   `effect.ambiguous` (ADR 0055);
   * - its state left, or its run ended (stopped, failed): the step stays `started` — the chart
   *   moved on without the result, and a replay must follow it (ADR 0064) — with the result
   *   in `meta.lateResult` (ADR 0083). A resume that meets the step again (a run whose end
   *   could not be stored) takes it as the step's result instead of asking `reconcile`.
   *
   * Nothing is written once the run let go of its lease or lost it (the thread may be another
   * process's then). `output` gives the value as the journal keeps it; when it throws (the
   * output breaks the tool's contract), nothing is recorded and the step stays ambiguous.
   * Resolves once written (or found not writable).
   */
  recordAfterAbort(key: string, output: () => unknown): Promise<void> {
    if (!this.#keepsLateResult) return Promise.resolve();
    return new Promise((done) => this.#meetAfterAbort(key, { output, done }));
  }

  /**
   * True when the effect was aborted for any reason but its run losing the thread: a result
   * an unsafe tool gives after is recorded (see {@link recordAfterAbort}). A run taken over
   * writes nothing more.
   */
  get #keepsLateResult(): boolean {
    if (!this.aborted) return false;
    const reason = this.abortReason;
    return !(AgentchartError.isInstance(reason) && reason.code === 'run.taken_over');
  }

  /**
   * True when the effect was aborted because its run was handed back (evicted mid-work): its
   * checkpoint keeps the state active, so a resume runs the step again and finds its record.
   * A step aborted because its state was left or its run ended stays `started`, as it was
   * when the chart moved on: recorded, a replay would take the step's `onDone` instead.
   */
  get #handedBack(): boolean {
    if (!this.aborted) return false;
    const reason = this.abortReason;
    return AgentchartError.isInstance(reason) && reason.code === 'run.evicted';
  }

  /** Pairs an aborted step with the result its tool gave after, in either order. */
  #meetAfterAbort(key: string, arrived: AbortedStep | LateResult): void {
    const waiting = this.#afterAbort?.get(key);
    if (!waiting) {
      this.#afterAbort ??= new Map();
      this.#afterAbort.set(key, arrived);
      return;
    }
    this.#afterAbort!.delete(key);
    const [step, late] = 'entry' in waiting ? [waiting, arrived] : [arrived, waiting];
    void this.#recordLate(step as AbortedStep, late as LateResult);
  }

  async #recordLate({ entry, previous, executing }: AbortedStep, late: LateResult): Promise<void> {
    try {
      const output = late.output();
      // Let go of (or lost) since: whoever holds the thread now owns its journal.
      if (!this.run.holdsLease) return;
      const finishedAt = this.run.clock.now();
      const latencyMs = Math.max(0, finishedAt - executing);
      await this.run.appendJournal(
        this.#handedBack
          ? {
              ...entry,
              status: 'completed',
              finishedAt,
              output,
              meta: { ...entry.meta, latencyMs },
            }
          : { ...entry, meta: { ...entry.meta, lateResult: { output, finishedAt, latencyMs } } },
        previous,
      );
    } catch {
      // A contract broken, or the thread no longer this run's: the step stays started, and
      // whoever resumes it asks reconcile, as after a crash.
    } finally {
      late.done();
    }
  }

  /**
   * What every record of this effect carries for the run log: the agent, the chart state that
   * invoked the effect, the tenant the run is charged to.
   */
  #facts(): Record<string, unknown> {
    const { run, state } = this;
    // Set field by field, not spread from a fresh object each: two objects less per record.
    const facts: Record<string, unknown> = { agent: run.runtime.name };
    if (state !== undefined) facts.state = state;
    if (run.tenantId !== undefined) facts.tenantId = run.tenantId;
    return facts;
  }

  /**
   * Settles an `unsafe` step found started after a crash — it may or may not have acted —
   * through the tool's `reconcile` hook: returns the completed entry, or undefined when the
   * hook says it never ran; otherwise records and throws `effect.ambiguous`, which goes to
   * the chart (onError), never back to a model that could call the tool again.
   */
  async #reconcile<T>(
    entry: JournalEntry,
    reconcile: (() => Promise<ReconcileAnswer<T>>) | undefined,
  ): Promise<JournalEntry | undefined> {
    const { run } = this;
    // The tool returned after its run ended, and that was recorded (see recordAfterAbort):
    // not ambiguous — the run that let go of it knew what it did.
    const late = lateResultOf(entry);
    if (late) {
      const completed = { ...entry, status: 'completed' as const, output: late.output };
      await run.appendJournal({ ...completed, finishedAt: late.finishedAt }, 'started');
      return completed;
    }
    run.runtime.events.emit('effect.ambiguous', this.threadId, {
      site: this.site,
      key: entry.key,
      tool: entry.name,
    });
    const answer: ReconcileAnswer<T> = reconcile ? await reconcile() : { status: 'unknown' };
    if (answer.status === 'not_executed') return undefined;
    if (answer.status === 'completed') {
      const completed = { ...entry, status: 'completed' as const, output: answer.output };
      await run.appendJournal({ ...completed, finishedAt: run.clock.now() }, 'started');
      return completed;
    }
    const error = ambiguousToolError({
      tool: entry.name,
      key: entry.key,
      input: entry.input,
      cause: `was started before the process stopped${answer.failure ? `, and its reconcile() ${answer.failure}` : ''}`,
      reconciled: reconcile !== undefined,
    });
    await run.appendJournal(
      { ...entry, status: 'failed', finishedAt: run.clock.now(), error: error.toJSON() },
      'started',
    );
    throw error;
  }

  /**
   * True when the chart takes this effect's failure with `error`: the machine that runs the
   * effect has a transition, whose guard passes now, on the error event XState sends it when
   * the effect fails (the invoking state's `onError`, or an `on` for a spawned actor's error).
   */
  takesFailure(error: unknown): boolean {
    const actor = this.#actor;
    const parent = actor?._parent;
    if (!actor || !parent) return false;
    const snapshot = parent.getSnapshot() as {
      status?: string;
      can?: (event: { type: string; error: unknown }) => boolean;
    };
    return (
      snapshot.status === 'active' &&
      snapshot.can?.({ type: `xstate.error.actor.${actor.id}`, error }) === true
    );
  }

  /** Never resolves; rejects when the effect is aborted (its state was left, the run ended). */
  untilAborted(): Promise<never> {
    return new Promise((_, reject) => {
      if (this.signal.aborted) reject(this.signal.reason);
      this.signal.addEventListener('abort', () => reject(this.signal.reason), { once: true });
    });
  }

  /**
   * Calls a model through the agent's model-call pipeline (budgeted, journaled, limited,
   * accounted, cached, retried): on resume a recorded answer is returned and nothing is paid
   * twice. See `createModelCallPipeline`.
   */
  callModel(
    alias: string,
    request: ChatRequest,
    settings: ModelCallSettings = {},
  ): Promise<ChatResponse> {
    // Not an async function: while the call is in flight the effect keeps no frame of this one.
    try {
      const { models, pipeline } = this.run.runtime;
      return pipeline({
        scope: this,
        alias,
        models: models.get(alias)!,
        request,
        settings,
        callId: '',
      }).then(responseOf);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** The result an `unsafe` tool gave after its step was aborted, if one was recorded. */
function lateResultOf(entry: JournalEntry): LateToolResult | undefined {
  const late = entry.meta?.lateResult as Partial<LateToolResult> | undefined;
  return late && typeof late.finishedAt === 'number' && 'output' in late
    ? (late as LateToolResult)
    : undefined;
}

/**
 * The answer a model call came back with; one a guard blocked fails here, after the journal
 * recorded what it cost.
 */
function responseOf(outcome: ModelCallOutcome): ChatResponse {
  if (outcome.blocked) {
    throw guardBlockedError({ ...outcome.blocked, stage: 'output', model: outcome.model });
  }
  return outcome.response;
}

/**
 * When a step found started began, for a step that goes on where it was rather than running
 * again: a wait for a person, a child agent (restored from its own checkpoint).
 */
function goesOnSince(entry: JournalEntry): number | undefined {
  return entry.kind === 'human' || entry.kind === 'agent' ? entry.startedAt : undefined;
}

function doNothing(): void {}
