import type { SerializedError } from '../errors/agentchart-error';
import type { RunUsage } from '../ledger/types';
import type { TenantLimitName } from '../tenancy/types';

/**
 * Run-level limits; reaching one ends the run in the `limit` outcome, with a checkpoint — or,
 * when the chart handles the `limit.reached` event, hands it a short grace to wrap up.
 *
 * Each counts the thread's whole life, not one `send` or `resume`: every event, reply and
 * restore adds to the same usage, steps and wall clock. A chat thread answering each user
 * turn on `agent.send` with `maxModelCalls: 20` makes 20 calls, whichever turns make them, ends
 * `limit` at the turn that would make a 21st, and then takes no more turns; `maxWallTimeMs`
 * ends it that long after its start, however long it sat idle. They are the conversation's
 * ceiling, not a turn's: bound one turn inside the chart, where the chart decides what
 * follows — `toolLoop({ maxSteps, maxOutputTokens })` for its calls and tokens, an `after` on
 * the turn's state for its time (docs/guides/chat.md; ADR 0074) — and give a long
 * conversation an end: a new thread carrying its summary.
 *
 * When they are checked:
 * - `maxTokens`, `maxCostUsd` and `maxModelCalls` before every model call, against what the
 *   call may use at most: its input tokens plus its output cap — the request's own
 *   `maxOutputTokens` (set it on `structuredCall` / `toolLoop` to keep the projection tight),
 *   or, when the request has none, the output the context budget reserves. A call that would
 *   cross a limit is not sent. Calls still in flight count at what they may use at most, so
 *   calls made side by side are judged together. They are checked again after every macrostep,
 *   on what the run has used, and end the run `limit` there (or hand its chart
 *   `limit.reached`) only when passed — by a call that used more than it may, as a provider
 *   reporting output past the cap (reasoning tokens) can. Used up exactly, they let the run go
 *   on without calling again: with `maxModelCalls: 1`, a chart that waits for a person after
 *   its one call waits, and ends `limit` only if it then calls again.
 *   A child agent (`agentActor`) shares these three with its parent: every call of the family
 *   is checked against what all of it has used and has in flight.
 * - `maxWallTimeMs` by a timer: at the deadline the run's in-flight effects are aborted.
 * - `maxSteps` after every macrostep.
 * A limit that cannot be enforced — `maxCostUsd` with a model whose price is unknown — is a
 * definition error at `createAgent`, never a silent pass.
 */
export interface RunLimits {
  /** Macrosteps the machine may take. */
  maxSteps?: number | undefined;
  maxModelCalls?: number | undefined;
  /** Input and output tokens together. */
  maxTokens?: number | undefined;
  maxCostUsd?: number | undefined;
  /**
   * Wall time from the run's start, on the injected clock. Time spent resting `waiting` counts
   * too: a run waiting for a person at the deadline gets `limit.reached` (or ends in `limit`)
   * then — in memory by its timer; evicted, its checkpoint's wake-up time is the deadline, so
   * the process that evicted it, or a worker, restores it then — and a thread restored after it
   * ends in `limit` at once, before a reply is delivered. Leave it out, or size it for the
   * longest wait, on charts that wait for people.
   */
  maxWallTimeMs?: number | undefined;
  /** What a chart handling `limit.reached` may still do to wrap up. */
  wrapUp?: WrapUpGrace | undefined;
}

/**
 * The grace a chart gets after a limit is reached, when it handles the `limit.reached` event
 * (to summarise what it has, say, and finish). Counted from the moment the limit was reached;
 * when the grace is spent too, the run ends in the `limit` outcome. The wrap-up is stored with
 * the run: restored during it (it waited for a person and left memory), the run goes on with
 * the same grace and is not handed `limit.reached` again.
 */
export interface WrapUpGrace {
  /** Model calls the wrap-up may make. Default 1. */
  maxModelCalls?: number | undefined;
  /** Macrosteps the wrap-up may take. Default 25. */
  maxSteps?: number | undefined;
  /** How long the wrap-up may take. Default 60 000. */
  maxWallTimeMs?: number | undefined;
}

/** A pending human wait, as a run reports it. */
export interface PendingHumanWait {
  waitId: string;
  prompt: string;
  /** When the wait times out, on the run's clock. */
  deadline?: number;
  /** Set when the wait asks to approve a tool call: exactly what would run. */
  approval?: PendingApproval;
}

/**
 * The tool call an approval wait asks about. Reply `{ approved: true }` (or `false`, with a
 * `reason`); a reply that also names `argumentsHash` is refused unless it is this one, so a
 * screen can prove it showed these very arguments.
 */
export interface PendingApproval {
  tool: string;
  /** The validated arguments the tool would run with. */
  arguments: unknown;
  /** SHA-256 of the tool's name and its canonical arguments, hex. */
  argumentsHash: string;
}

/** Why a run ended in the `limit` outcome. */
export interface LimitInfo {
  /** A run limit, or a tenant quota (`requestsPerMinute`, `tokensPerDay` …). */
  limit: Exclude<keyof RunLimits, 'wrapUp'> | TenantLimitName;
  /**
   * The figure that was judged against `max`, in the limit's unit, and always at or over it.
   * One rule for every limit: what the run would have used had it gone on. A limit found
   * before a model call (the call refused, never sent) counts that call in full, as if it
   * had been sent and used all it may — `maxModelCalls` one more call, `maxTokens` its input
   * and its output cap, `maxCostUsd` their price, a tenant quota the request and its
   * estimated tokens; a limit found after a step or by the clock (`maxSteps`,
   * `maxWallTimeMs`, or a model call that overran) counts what the run has used. During the
   * wrap-up grace (`duringWrapUp`), `value` and `max` count from the moment the wrap-up
   * began. What the run has actually used is the outcome's `usage`.
   */
  value: number;
  /** The limit as configured (during the wrap-up, the grace's). */
  max: number;
  /** Set when the limit was reached again during the chart's wrap-up grace. */
  duringWrapUp?: boolean;
  /**
   * Set when the limit is not the run's own but its family's: the thread of the parent (or
   * further ancestor) whose limits a child agent shares with it and its other children.
   * `value` then counts what the whole family has used.
   */
  familyThreadId?: string;
  /**
   * Set when the limit is a tenant quota's (see `createTenantQuota`): the tenant it counts. A
   * quota is the tenant's, across its runs and over time, not the run's: a call it refuses
   * fails the effect that made it when the chart takes that failure (an `onError`), and the
   * thread goes on (a conversation's next message is judged by the quota then).
   */
  tenantId?: string;
}

/** How a run came to rest. Every outcome carries its usage. */
export type RunOutcome<TOutput = unknown> =
  | { status: 'done'; threadId: string; output: TOutput; usage: RunUsage }
  | {
      status: 'waiting';
      threadId: string;
      waits: PendingHumanWait[];
      usage: RunUsage;
      /**
       * Set when a wall-time limit applies (`maxWallTimeMs`, or the wrap-up's grace): when it
       * ends the run, on the run's clock. A wait whose own `deadline` is later (or that has
       * none) is cut short then: the run ends `limit` (or its chart gets `limit.reached`).
       */
      runDeadline?: number;
    }
  | { status: 'failed'; threadId: string; error: SerializedError; usage: RunUsage }
  | { status: 'limit'; threadId: string; limit: LimitInfo; usage: RunUsage }
  | {
      status: 'stopped';
      threadId: string;
      usage: RunUsage;
      /**
       * Set when the run was not ended but handed back to its store mid-work (`agent.close()`
       * while it worked): its latest checkpoint says `running`, and `agent.resume()` — here or
       * in another process — continues it. Absent when `stop()` ended it.
       */
      handedBack?: true;
    };

/** The statuses a run ends in (every outcome but `waiting`). */
export type EndStatus = Exclude<RunOutcome['status'], 'waiting'>;
