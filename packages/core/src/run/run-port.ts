import type { Clock } from '../clock/clock';
import type { RunError } from '../errors/run-error';
import type { RunEvents } from '../events/run-events';
import type { LastRecordedRequest } from '../ledger/recorded-messages';
import type { JournalEntry, LiveUsage, RunUsage } from '../ledger/types';
import type { ModelPricing } from '../model/types';
import type { Checkpointer, HistorySummaryRef } from '../store/types';
import type { AgentRuntime } from './agent-runtime';
import type { HumanWaitRegistration } from './human-waits';
import type { TimedOutWait } from './run-errors';
import type { LimitInfo } from './types';

/** A human wait as the journal had it when a run was restored. */
export interface RecordedWait {
  status: JournalEntry['status'];
  deadline?: number;
  /** The code it failed with, when it timed out (`human.timeout`, `approval.expired`). */
  timedOut?: RunError['code'];
  /** When it was answered or failed. */
  finishedAt?: number;
  /** The reply's JSON Schema when the wait was opened (a deploy may have changed it since). */
  replySchema?: unknown;
}

/** How a replay follows the recorded run: its time, and its journal. */
export interface ReplayTimeline {
  /** When the recording last did anything: delayed events due later never fired in it. */
  until: number;
  /** Moves the replay's clock to a recorded step's time. */
  advanceTo(at: number): void;
  /**
   * The recording's journal entry under `key`, looked up without counting it as reached (see
   * `agent.replay`'s check for recorded steps the code no longer takes): to say how a step
   * that diverged differs.
   */
  recorded(key: string): JournalEntry | undefined;
  /**
   * The store the recording is in, read only: a child agent's step the recording left
   * unfinished (the child waits, or was handed back) is replayed from the child's own thread.
   */
  source: Checkpointer;
}

/** Told when an effect is aborted (an object with a method, as for an `EventTarget`). */
export interface AbortListener {
  handleEvent(): void;
}

/** One running effect as its run knows it. */
export interface EffectHandle {
  /** `site#occurrence`: stable across crashes and resumes. */
  readonly key: string;
  /**
   * Aborted when the effect's state is left, the run ends, or it loses its thread. Made when
   * first read: an effect that only waits listens with {@link addAbortListener} instead.
   */
  readonly signal: AbortSignal;
  /** True once the effect was aborted (what `signal.aborted` says, without making the signal). */
  readonly aborted: boolean;
  /** Why the effect was aborted (what `signal.reason` says); undefined until then. */
  readonly abortReason: unknown;
  /** Calls `listener.handleEvent()` once when the effect is aborted (not if it already was). */
  addAbortListener(listener: AbortListener): void;
  removeAbortListener(listener: AbortListener): void;
  /** True while the effect is work in flight (the run does not rest); false while it waits on a person. */
  readonly blocking: boolean;
  /** Marks the effect as waiting on the outside world (true) or working (false). */
  setIdle(idle: boolean): void;
  /** True once the effect holds a step back because its run is being handed back. */
  readonly held: boolean;
  /** Marks the effect as holding a step back (see {@link RunPort.holdStep}). */
  hold(): void;
  /** A journaled step of the effect starts executing (not a wait for a person). */
  beginStep(): void;
  /** That step ended, however it ended: its run may now be handed back. Once per beginStep. */
  endStep(): void;
  /** {@link endStep}, then `value`: for a step's promise, without a closure per step. */
  readonly endStepWith: <T>(value: T) => T;
  /** {@link endStep}, then throws `error`. */
  readonly endStepWithError: (error: unknown) => never;
  /** Tells the run the effect is over. Called once. */
  settle(): void;
}

/** Options of {@link RunPort.appendJournal}. */
export interface AppendJournalOptions {
  /**
   * A result (completed or failed), not an intent: it may be written with the checkpoint of
   * the macrostep it causes, in one durable commit, instead of on its own before it; it is
   * not yet durable when the call resolves. Intents are always written at once: they must be
   * durable before the step acts.
   */
  withCheckpoint?: boolean | undefined;
  /**
   * `false` for an intent that guards nothing: the intent of a step harmless to run again
   * (idempotent). It is committed (it survives the process being killed) but waits for the
   * next durable write to survive a power loss, so it costs no fsync of its own (see
   * `PutEffectOptions.durable`). Default true: an unsafe step's intent is durable before the
   * step acts.
   */
  durable?: boolean | undefined;
}

/**
 * The narrow surface effects use to talk to their run: begin and settle, read and append the
 * journal, check and signal limits, register human waits. Effects never touch a run's
 * fields; the run never learns what an effect does.
 */
export interface RunPort {
  readonly threadId: string;
  /** The services the run's agent was created with (models, policy, clock, events …). */
  readonly runtime: AgentRuntime;
  /** The run's clock: the agent's, with timers that never keep a resting process alive. */
  readonly clock: Clock;
  /** The run's event stream (the agent's). */
  readonly events: RunEvents;
  readonly tenantId: string | undefined;
  /** Usage so far: a fold over the journal records this run has written and restored. */
  readonly usage: Readonly<RunUsage>;
  /** True once untrusted content reached one of the run's model calls (see `RunState`). */
  readonly untrustedSeen: boolean;
  /** Records that untrusted content reached a model call of the run; kept in its checkpoints. */
  markUntrustedSeen(): void;
  /** The history summaries the run's model calls sent last, oldest first (see `RunState`). */
  readonly historySummaries: readonly HistorySummaryRef[];
  /** Records that a model call of the run sent `summary`; kept in its checkpoints. */
  noteHistorySummary(summary: HistorySummaryRef): void;
  /** Set in a replay: effects return what the journal recorded and never run. */
  readonly replay: ReplayTimeline | undefined;
  /**
   * For a run restored from its checkpoint: the thread's last model request as its journal
   * records it, so the run's first call records only what it adds to it, as a call of the
   * run before the restore would have (see `recordRequest`).
   */
  readonly recordedRequest: LastRecordedRequest | undefined;
  /** The most bytes one value (a tool output, an error detail) may take in a journal row. */
  readonly maxJournalValueBytes: number;
  /** Starts an effect at `site`; `self` is its actor. */
  beginEffect(site: string, self: object, blocking: boolean): EffectHandle;
  /** The effect actor `self` stopped (its state was left, or its run stopped): its effect is aborted. */
  effectActorStopped(self: object): void;
  /**
   * True once the run is being handed back (`agent.close()`): a step not started yet is not
   * started, but held with {@link RunPort.holdStep}.
   */
  readonly handingBack: boolean;
  /**
   * Holds back a step of the effect `handle` while the run is being handed back: never
   * resolves; rejects with the effect's abort reason when the hand-back aborts it. The step
   * was not started, so whoever resumes the thread starts it, and pays for it once.
   */
  holdStep(handle: EffectHandle): Promise<never>;
  /**
   * Calls `listener` once when the run starts being handed back (at once if it has): a child
   * agent's run is handed back with its parent's, and starts no new step either. Returns a
   * function that removes the listener.
   */
  onHandBack(listener: () => void): () => void;
  /**
   * The journal entry of `key`, if one was written. On a thread this run is creating, a read
   * waits until the thread is known to be this run's, unless `harmlessToRepeat` says the step
   * may run on a guess (see {@link ReadJournalOptions}).
   */
  readJournal(key: string, options?: ReadJournalOptions): Promise<JournalEntry | undefined>;
  /**
   * True when {@link readJournal} with these options would find no entry of `key` without
   * reading the store or waiting: the run never wrote `key`, and the thread's journal is its
   * own (a thread it created). False says nothing: read it.
   */
  knowsNoRecord(key: string, options?: ReadJournalOptions): boolean;
  /**
   * Writes a journal entry as this run — fenced: refused when another owner holds the
   * thread — and folds it into the run's usage. A journal that cannot be written ends the
   * run: going on would act unrecorded. `previous` is the status the key had before.
   */
  appendJournal(
    entry: JournalEntry,
    previous: JournalEntry['status'] | undefined,
    options?: AppendJournalOptions,
  ): Promise<void>;
  /**
   * The limit a model call would cross if it used all it may (`inputTokens` plus its output
   * cap at `pricing`), or one the run has already reached; undefined when it may go.
   */
  limitBeforeModelCall(next: {
    inputTokens: number;
    maxOutputTokens: number;
    pricing: ModelPricing | undefined;
  }): LimitInfo | undefined;
  /**
   * Counts a model call that passed {@link limitBeforeModelCall} as in flight, at what it may
   * use at most, until the journal records how it ended (its key's result); the limits of the
   * run and its family judge later calls with it. Returns the function that stops counting it
   * when no record will come (the call was refused, or aborted); undefined when no limit of the
   * run or its family counts calls, tokens or cost, so nothing needs counting.
   */
  reserveModelCall(
    key: string,
    next: { inputTokens: number; maxOutputTokens: number; pricing: ModelPricing | undefined },
  ): (() => void) | undefined;
  /** Ends the run in `limit`, or hands the limit to the chart when it handles `limit.reached`. */
  reachLimit(limit: LimitInfo): void;
  /** Ends the run as `failed` with an error of the harness (a replay that left its path). */
  fail(error: unknown): void;
  /**
   * Ends the run as `failed` in this process only, storing nothing more: the thread rests in
   * the store as its last checkpoint left it, and a resume continues it once the cause is
   * fixed (a deploy that cannot restore a child agent's checkpoint). Its effects are aborted
   * first, so the step that failed is not recorded as failed either.
   */
  failHere(error: unknown): void;
  /**
   * Keeps the thread's lease (renewed) until `work` settles, even once the run has ended or
   * left memory: an `unsafe` tool still running after its effect let go (aborted, timed out)
   * may yet act, and another owner must not reconcile it as not executed meanwhile.
   */
  holdLease(work: Promise<unknown>): void;
  /**
   * True while the run holds its thread's lease: false once it released it or left it to
   * lapse (a tool held it longer than a lease time), or lost it to another owner. A late
   * write is made only while it holds: after, the thread may be another process's.
   */
  readonly holdsLease: boolean;
  /**
   * Reports the run's end only once `work` settles: a child agent stopped with its parent has
   * stored and reported its own end by the time the parent's is heard.
   */
  endAfter(work: Promise<unknown>): void;
  /** Registers a human wait; returns the function that removes it (as {@link removeWait} does). */
  addWait(wait: HumanWaitRegistration): () => void;
  /** Removes a human wait {@link addWait} registered, without keeping a function to do it. */
  removeWait(wait: HumanWaitRegistration): void;
  /**
   * Told when a wait timed out (before it is removed): a reply that comes for it later is
   * refused with the wait's own timeout code, not as a reply to a run that never asked.
   */
  waitTimedOut(wait: TimedOutWait): void;
  /**
   * Registers something besides the run's own waits and timers that will need the run at a
   * time of its own (a child agent resting on its timer): the run's next wake-up time, and so
   * its checkpoint's `wakeAt`, is never later than what `nextWakeAt` says. Returns the
   * function that removes it.
   */
  addWakeSource(nextWakeAt: () => number | undefined): () => void;
  /**
   * Registers usage the run's journal has not folded in yet — a child agent's while it runs —
   * that the run counts in its limits and in the usage its outcomes and checkpoints report.
   * Returns the function that removes it: called when the record that carries that usage is
   * folded in, never later, so nothing is counted twice.
   */
  addUsageSource(usage: () => LiveUsage | undefined): () => void;
  /** The human wait `key` as the journal had it when this run was restored. */
  recordedWait(key: string): RecordedWait | undefined;
}

/** Options of {@link RunPort.readJournal}. */
export interface ReadJournalOptions {
  /**
   * The step is a pure tool's: running it again is harmless and its result is held for the
   * checkpoint of its macrostep. On a thread this run is creating it reads nothing and does
   * not wait for the thread's first checkpoint: were the thread another process's (a start
   * under an id it started meanwhile), that checkpoint is refused and the result with it.
   * Waiting would store the first checkpoint on its own, mid-turn, a checkpoint more per run.
   */
  harmlessToRepeat?: boolean;
}
