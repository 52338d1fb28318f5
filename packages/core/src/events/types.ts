import type { EventObject } from 'xstate';
import type { BudgetLedger } from '../budget/types';
import type { SerializedError } from '../errors/agentchart-error';
import type { RunUsage } from '../ledger/types';
import type { ChatRequest, ChatResponse, FinishReason, Usage } from '../model/types';
import type { PromptRef } from '../prompt/define-prompt';
import type { EndStatus } from '../run/types';

/**
 * Why a tool call needs an approval: its tool asks every time (`always`, or the chart's
 * `toolCall` asks), or untrusted content is in the conversation (`untrusted-context`).
 */
export type ApprovalReason = 'always' | 'untrusted-context';

/** What every run event carries. */
export interface RunEventBase {
  threadId: string;
  /** Milliseconds since the epoch, from the run's injected clock. */
  at: number;
}

/**
 * Payload of each event type, by name (noun-verb: `llm.call.end`, `tool.call.start`).
 *
 * `callId` is the call's key in the run's journal (`0.triage#0/0:llm`, `0.loop#0/2:tool:lookup`):
 * every event of one model or tool call carries the same one, so events join on it, and on
 * the run log's rows.
 */
export interface RunEventPayloads {
  'run.start': {
    input: unknown;
    resumed: boolean;
    /** The agent's name (a child agent's machine id). */
    agent: string;
    /** The XState session id of the run's root actor: what inspection events name it by. */
    sessionId: string;
    /**
     * The thread of the parent run whose child agent this run is; absent for a thread of its
     * own. A consumer tells a child from a thread whose id merely begins with another's by it.
     */
    parentThreadId?: string;
  };
  /** The run came to rest waiting (for a human, or a timer further away); it is not over. */
  'run.waiting': { waitIds: string[] };
  /** The run ended; `usage` is its total (its child agents' included), a fold over its journal. */
  'run.end': {
    status: EndStatus;
    usage: RunUsage;
    error?: SerializedError;
    /** The run left this process mid-work, resumable (see the `stopped` outcome). */
    handedBack?: true;
    /**
     * The store refused the start (status `failed`): another process holds the thread, or the
     * thread exists already. Nothing of this run was stored, the thread is as its own run left
     * it, and the start rejected with `run.already_running`. Not a failure of the thread.
     */
    refused?: true;
  };
  /**
   * A leaf state became active (its dotted path). Reported microstep by microstep: a state
   * an eventless (`always`) transition or a raised event passes through within one step is
   * entered and exited too, though no snapshot shows it — except in the step in which a
   * listener was added to a run already working, which reports where the run then is. A
   * state left and entered again by one transition (`reenter: true` on itself) is not
   * reported again. A run restored from its checkpoint reports its active states again.
   */
  'state.enter': { state: string };
  /**
   * The agent's machine emitted `event` (XState's `emit` action): the chart's own news — a
   * progress note for a UI, say — which nothing else reaches, since the run's actor is the
   * harness's. Emitted by the root machine only (a child actor's `emit` goes to its own
   * listeners), and not during `agent.replay`. The event is passed as the chart made it.
   */
  'chart.emit': { event: EventObject };
  /** A leaf state that was active is no longer (reported before the enters; see `state.enter`). */
  'state.exit': { state: string };
  'llm.call.start': {
    site: string;
    callId: string;
    model: string;
    endpoint: string;
    inputHash: string;
    /** The request as the pipeline passes it on (fitted to the context budget). */
    request: ChatRequest;
    /** The versioned prompt the request was made from (`definePrompt`), when it was. */
    prompt?: PromptRef;
  };
  'llm.call.end': {
    site: string;
    callId: string;
    model: string;
    usage: Usage;
    latencyMs: number;
    costUsd: number;
    finishReason: FinishReason;
    /** The result came from the journal or a cache, not from the model. */
    cached: boolean;
    /** Attempts after the first: retries of the same model and moves to a fallback alike. */
    retries: number;
    /** Confidence reported in the output, where the schema has one. */
    confidence?: number;
    response: ChatResponse;
  };
  'llm.call.error': { site: string; callId: string; model: string; error: SerializedError };
  'llm.call.retry': {
    site: string;
    callId: string;
    endpoint: string;
    attempt: number;
    delayMs: number;
    reason: string;
  };
  /**
   * A structured call re-asked the model after invalid output. `callId` is the model call whose
   * answer was invalid (its `llm.call.start` and `llm.call.end` carry the same one).
   */
  'llm.call.reask': { site: string; callId: string; attempt: number; reason: string };
  /**
   * A streamed delta of a model call's answer. `attempt` counts the call's attempts across
   * models from 1: when it rises, the attempt before failed part-way (an `llm.call.retry` or
   * `llm.call.fallback` came in between) and the answer starts over, so drop what was shown.
   * A history summary the context budget asks for streams none (it is not an answer).
   */
  'llm.token': { callId: string; delta: string; attempt: number };
  /**
   * A tool call begins. In the same process exactly one `tool.call.end` or `tool.call.error`
   * with its `callId` follows, so starts and ends pair, also for a call a resume finds in the
   * journal, which does not run the tool again: a recorded result follows `effect.replayed`
   * and ends `cached`; an `unsafe` call found started but unfinished follows
   * `effect.ambiguous`, then ends `cached` when its `reconcile` hook reports it completed, or
   * errs with `effect.ambiguous` (it runs only when the hook reports it never did). A start
   * alone does not mean the tool ran; only a process that dies mid-call leaves one unclosed.
   */
  'tool.call.start': { site: string; callId: string; tool: string; input: unknown };
  'tool.call.end': {
    site: string;
    callId: string;
    tool: string;
    latencyMs: number;
    cached: boolean;
    /** What the call returned, as the journal keeps it. */
    output: unknown;
  };
  /** The model called a tool wrongly (unknown name, bad arguments); nothing ran. */
  'tool.call.invalid': {
    site: string;
    /**
     * An id in the same space as other tool events' `callId` (the effect's journal keys), such
     * as `0.loop#0/1:invalid:0:tool:lookup`: the call's place in the model's answer. Nothing
     * ran, so no other event and no journal entry carries it.
     */
    callId: string;
    /** The id the model gave the call (`call_…`), which the tool message answering it names. */
    toolCallId: string;
    tool: string;
    message: string;
  };
  'tool.call.error': { site: string; callId: string; tool: string; error: SerializedError };
  /**
   * A wait opened. For a child agent's wait, `replyTo` names where a person answers it: the
   * family's root thread and the wait's id there (`agent.send(replyTo.threadId, { type:
   * 'human.reply', value, waitId: replyTo.waitId })`); `threadId` and `waitId` are the child's.
   */
  'human.wait': {
    site: string;
    waitId: string;
    prompt: string;
    deadline?: number;
    replyTo?: ReplyTarget;
  };
  'human.reply': { waitId: string };
  /**
   * A tool call waits for a person's approval (its wait is also reported as `human.wait`).
   * `reason` says why: the tool always asks, or untrusted content is in the conversation.
   */
  'approval.request': {
    site: string;
    waitId: string;
    tool: string;
    argumentsHash: string;
    reason: ApprovalReason;
    /** For a child agent's call: where its approval is answered (see `human.wait`). */
    replyTo?: ReplyTarget;
  };
  /** A person answered an approval request. */
  'approval.decision': { site: string; waitId: string; tool: string; approved: boolean };
  /** A guard stopped a model call before it was sent (`input`) or its answer (`output`). */
  'guard.block': {
    site: string;
    callId: string;
    guard: string;
    stage: 'input' | 'output';
    reason: string;
  };
  /** A run limit or tenant quota was reached (see `LimitInfo`). */
  'limit.reached': {
    limit: string;
    value: number;
    max: number;
    duringWrapUp?: boolean;
    /** Set when it is a limit the run shares with its parent's family: that thread. */
    familyThreadId?: string;
  };
  'budget.ledger': { site: string; callId: string; ledger: BudgetLedger };
  /**
   * A checkpoint of the thread was stored. `bytes` is what the store wrote for its state, or
   * -1 when the store does not say. A replay stores nothing and reports none.
   */
  'checkpoint.write': { version: number; bytes: number };
  'effect.replayed': { site: string; key: string; kind: string };
  /**
   * A resume found an `unsafe` tool call started but unfinished: it may have acted. Reported
   * between the call's `tool.call.start` and its end or error (see `tool.call.start`).
   */
  'effect.ambiguous': { site: string; key: string; tool: string };
  /**
   * A model endpoint's circuit breaker changed state during one of this run's calls. Reported
   * to every run with a call on the endpoint at that moment, so `agent.events` hears one
   * transition once per such run (each with its `threadId`); to count transitions or alert on
   * them, listen to the policy instead: `policy.on('breaker.change', …)` reports each once.
   */
  'breaker.change': { endpoint: string; from: string; to: string; reason: string };
  /** A call moved on to the next model of its fallback chain. */
  'llm.call.fallback': { site: string; callId: string; from: string; to: string; reason: string };
  /**
   * Something the run works around but you should fix (a model with no known context window,
   * say). Reported once per cause; `code` is stable.
   */
  'agent.warning': { code: string; message: string };
  /**
   * A listener of `eventType` threw or rejected; the run went on. The error is reported here,
   * once: whatever was thrown, even a value that cannot be printed (then `error.message`
   * names its kind, such as "a value that cannot be printed").
   */
  'listener.error': { eventType: string; error: SerializedError };
}

/** Where a person answers a child agent's wait: its family's root thread, and its id there. */
export interface ReplyTarget {
  threadId: string;
  waitId: string;
}

/** Every event name. */
export type RunEventType = keyof RunEventPayloads;

/** One event of a run's stream, discriminated by `type`. */
export type RunEvent<TType extends RunEventType = RunEventType> = {
  [K in TType]: { type: K } & RunEventBase & RunEventPayloads[K];
}[TType];

/** A listener for events of one type. */
export type RunEventListener<TType extends RunEventType = RunEventType> = (
  event: RunEvent<TType>,
) => void;
