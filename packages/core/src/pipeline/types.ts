import type { BudgetLedger, ContextBudgetOptions, ContextInput } from '../budget/types';
import type { Clock } from '../clock/clock';
import type { RunEvents } from '../events/run-events';
import type { LastRecordedRequest } from '../ledger/recorded-messages';
import type { RecordedModelCall } from '../ledger/recorded-model-call';
import type { JournalEntry, JournaledStep } from '../ledger/types';
import type { ChatModel, ChatRequest, ChatResponse } from '../model/types';
import type { PromptRef } from '../prompt/define-prompt';
import type { NextModelCall } from '../run/run-limits';
import type { LimitInfo } from '../run/types';
import type { HistorySummaryRef } from '../store/types';
import type { ToolEffect } from '../tools/types';
import type { SummaryCoverage } from './summary-coverage';

/** Per-call settings an effect passes along with its request. */
export interface ModelCallSettings {
  /** This call's budget, over the agent's (e.g. a state that may cut the user's input). */
  budget?: ContextBudgetOptions | undefined;
  /** The request's sections, when the effect built them; otherwise they are inferred. */
  context?: ContextInput | undefined;
  /** `false` skips the agent's response cache for this call. Default true. */
  cache?: boolean | undefined;
  /** The effects of the tools the request offers: answers calling `unsafe` ones are never cached. */
  toolEffects?: Readonly<Record<string, ToolEffect>> | undefined;
  /**
   * Whether the effect can use an answer (a structured answer that matches its schema). One
   * it cannot is not stored in the response cache: served to the next run, it would fail
   * that run the same way without the model being asked again.
   */
  // Typed as a method (checked as methods are: a narrower parameter is taken) that may be
  // undefined, as every option may (ADR 0080, 0090).
  usable?: { usable(response: ChatResponse): boolean }['usable'] | undefined;
  /**
   * Tools whose output is the developer's own data (`trustedOutput`): their results reach
   * the model as they are. Every other tool result is fenced as untrusted.
   */
  trustedTools?: readonly string[] | undefined;
  /**
   * The call is a turn of a tool loop: an answer that calls tools goes to those tools and the
   * loop calls the model again; only an answer that calls none is the effect's. Output guards
   * check that one, and the others only when asked (`createGuard({ toolCallTurns: true })`).
   */
  toolLoop?: boolean | undefined;
  /** The versioned prompt the request was made from, recorded with the call (`definePrompt`). */
  prompt?: PromptRef | undefined;
  /**
   * Set on a call made because a cheaper model's answer was not kept (a cascade moving up):
   * that model's alias and why. Recorded with the call, so the run log counts escalations.
   */
  escalation?: { from: string; reason: string } | undefined;
  /**
   * The call writes a summary for the context budget of the effect's next model call. It is
   * journaled under that call's step (`…/4:summary` before `…/4:llm`), so whether a run
   * compresses its history never moves the keys of its other steps: a run resumed with
   * another budget, window or counter never meets a summary's record in a main call's place.
   */
  summary?: boolean | undefined;
  /**
   * What the summary this call writes stands for, recorded with it (`meta.summaryOf`): a
   * resumed call sends it only for those messages, and a later effect starts from it.
   */
  summaryOf?: SummaryCoverage | undefined;
}

/** What the pipeline's steps may ask of the run a call belongs to. */
export interface ModelCallRun {
  readonly threadId: string;
  readonly tenantId: string | undefined;
  readonly clock: Clock;
  /** The run's event stream. */
  readonly events: RunEvents;
  limitBeforeModelCall(next: NextModelCall): LimitInfo | undefined;
  /** Counts a call that passed the limits as in flight until its record comes (see `RunPort`). */
  reserveModelCall(key: string, next: NextModelCall): (() => void) | undefined;
  reachLimit(limit: LimitInfo): void;
  /** Records that untrusted content reached a model call of the run (see `RunState`). */
  markUntrustedSeen(): void;
  /** The history summaries the run's calls sent last, oldest first (see `RunState`). */
  readonly historySummaries: readonly HistorySummaryRef[];
  /** Records that a call of the run sent `summary`; kept in the run's checkpoints. */
  noteHistorySummary(summary: HistorySummaryRef): void;
  /** A restored run's thread's last recorded model request (see `RunPort`). */
  readonly recordedRequest?: LastRecordedRequest | undefined;
}

/** The effect a call comes from: its run, its abort signal, its journal. */
export interface ModelCallScope {
  readonly run: ModelCallRun;
  readonly threadId: string;
  readonly site: string;
  /** Aborted when the effect's state is left or the run ends. */
  readonly signal: AbortSignal;
  /** True once the effect was aborted: `signal.aborted`, without making the signal. */
  readonly aborted: boolean;
  /** Why the effect was aborted (`signal.reason`); undefined until it is. */
  readonly abortReason: unknown;
  /** The key of the next journaled step of this effect. */
  nextKey(label: string): string;
  /** The key of a step taken on behalf of the next one, without using up a step (see `EffectScope.peekKey`). */
  peekKey(label: string): string;
  /** The journal entry of `key`, if one was written (a step recorded before a restart). */
  readJournal(key: string): Promise<JournalEntry | undefined>;
  /** Runs `execute` once per key across crashes (see `EffectScope.journaled`). */
  journaled<T>(
    key: string,
    step: Omit<JournaledStep<T>, 'input'>,
    execute: () => Promise<T>,
  ): Promise<{ value: T; replayed: boolean }>;
  /** Never resolves; rejects when the effect is aborted. */
  untilAborted(): Promise<never>;
  /**
   * True when the chart takes this effect's failure with `error` (the invoking state's
   * `onError`, or a transition on the effect's error event, whose guard passes).
   */
  takesFailure(error: unknown): boolean;
  /** Another model call from the same effect, through the whole pipeline (a summary, say). */
  callModel(
    alias: string,
    request: ChatRequest,
    settings?: ModelCallSettings,
  ): Promise<ChatResponse>;
}

/**
 * One model call on its way through the pipeline. Middleware passes it on with `next`,
 * changed where it owns a concern (the budget step fits `request` to the window and sets
 * `ledger`; the journal step sets `callId`).
 */
export interface ModelCall {
  /** The calling effect: its run, abort signal and journal. */
  readonly scope: ModelCallScope;
  /** The model alias the effect asked for. */
  readonly alias: string;
  /** The alias's models: the primary first, then its fallbacks. */
  readonly models: readonly ChatModel[];
  readonly request: ChatRequest;
  readonly settings: ModelCallSettings;
  /** The journal key of this call; empty until the journal step has allocated it. */
  readonly callId: string;
  /** The context budget's ledger for the request as sent; absent before the budget step. */
  readonly ledger?: BudgetLedger;
  /** A short hash of the request as sent, recorded so a replay can tell it changed. */
  readonly requestHash?: string;
  /**
   * When the tenant's quota admitted the call, on the quota's clock (`QuotaDecision`); set by
   * the limits step, so the accounting step settles the windows the admission charged.
   */
  readonly admittedAt?: number;
  /**
   * Where the answer's streamed deltas go, each with its attempt (from 1, across fallback
   * models). Absent, each is the run's `llm.token` event, when anyone listens (see
   * `tokenSinkOf`). A step that must see an answer whole before anyone does — an output
   * guard — passes one that holds them.
   */
  readonly onToken?: TokenSink;
}

/** Receives a model call's streamed deltas; see {@link ModelCall.onToken}. */
export type TokenSink = (delta: string, attempt: number) => void;

/** What a model call comes back with: the journal records exactly this. */
export type ModelCallOutcome = RecordedModelCall;

/** Passes a call to the rest of the pipeline. */
export type ModelCallNext = (call: ModelCall) => Promise<ModelCallOutcome>;

/**
 * One concern of the model-call pipeline, in its own module: it may change the call, refuse
 * it, answer it itself (a cache) or observe what comes back. Users add theirs with
 * `createAgent({ middleware })`; they run inside the journal and the run's limits, before
 * the response cache and the reliability policy.
 *
 * A middleware with nothing to do once the answer is back may return `next(call)` itself,
 * and one that only looks at the outcome may chain on it with `.then`: an `async` function
 * that awaits `next` keeps its frame for as long as the model takes, in every call in flight.
 * (A middleware that throws before returning a promise rejects the call, as an `async` one.)
 *
 * A middleware that throws before the model answered fails the call with its error: nothing
 * was paid. One that throws once the answer is back — an answer check written as a throw —
 * blocks that answer, as a guard's `{ block }` does: the journal records the call with its
 * usage and cost, and the effect fails with `guard.blocked` (`details.guard` its name,
 * `details.checkFailed: true`), since the call was paid for (ADR 0109). To judge answers, give
 * a guard (`createGuard` from `@agentchart/core/security`): its block is a verdict with your
 * reason, not a failed check.
 *
 * @example
 * ```ts
 * const slowCalls: ModelCallMiddleware = {
 *   name: 'slow-calls',
 *   call(call, next) {
 *     const started = Date.now();
 *     return next(call).then((outcome) => {
 *       if (Date.now() - started > 10_000) console.warn(`slow model call ${call.callId}`);
 *       return outcome;
 *     });
 *   },
 * };
 * ```
 */
export interface ModelCallMiddleware {
  readonly name: string;
  call(call: ModelCall, next: ModelCallNext): Promise<ModelCallOutcome>;
}

/** The composed chain: a model call in, its outcome out. */
export type ModelCallPipeline = (call: ModelCall) => Promise<ModelCallOutcome>;
