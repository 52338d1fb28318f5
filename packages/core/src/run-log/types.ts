import type { CostFilter, CostGroupKey, CostSummary } from '../cost/cost-ledger';
import type { EffectKind, JournalEntry } from '../ledger/types';
import type { RunStatus } from '../store/types';

/**
 * One row of the run log (`effect_log`): one effect step — a model call, a tool call, a human
 * wait, a child agent — as its journal record says, in typed columns. A column the record
 * has no value for is `null`. Times are milliseconds since the epoch on the run's clock.
 */
export interface EffectLogRow {
  threadId: string;
  /** The step's journal key: `(site)#(occurrence)/(step):(label)`. */
  key: string;
  /** The chain of actor ids from the run's root to the effect actor. */
  site: string;
  /** The agent's name (a child agent's machine id). */
  agent: string | null;
  /** The chart state that invoked the effect, as a dotted path; null for a spawned actor. */
  state: string | null;
  kind: EffectKind;
  /** What ran: the model asked for, the tool, `human`, the child agent's machine id. */
  name: string;
  status: JournalEntry['status'];
  /** Model calls: the model that answered (a fallback when the primary could not). */
  model: string | null;
  /** Model calls: the endpoint (breaker and rate-limit identity) that answered, or was asked. */
  endpoint: string | null;
  /** Model calls made from a versioned prompt: its id and version. */
  promptId: string | null;
  promptVersion: string | null;
  /** A short hash of the model request, or of a tool's input. */
  inputHash: string | null;
  /**
   * Tokens billed, on a completed model call: 0 for an answer from the response cache. A
   * child agent's row has none: its own thread's rows carry its calls.
   */
  inputTokens: number | null;
  outputTokens: number | null;
  /** US dollars, on a completed model call (0 for a cache hit or a model without prices). */
  costUsd: number | null;
  /** How long the step ran, once finished. */
  latencyMs: number | null;
  /** Model calls: attempts made by the reliability policy (1 = no retry). */
  attempts: number | null;
  /** A model call answered from the response cache. */
  cached: boolean;
  /** The confidence a structured answer reported about itself, where it has one. */
  confidence: number | null;
  /** A model call made because a cheaper model's answer was escalated (a cascade moving up). */
  escalated: boolean;
  /** The error's code, on a failed step. */
  errorCode: string | null;
  tenantId: string | null;
  startedAt: number;
  finishedAt: number | null;
}

/** Which run log rows a query covers; every field narrows it. */
export interface EffectLogFilter {
  threadId?: string | undefined;
  agent?: string | undefined;
  tenantId?: string | undefined;
  kind?: EffectKind | undefined;
  status?: JournalEntry['status'] | undefined;
  /** Model calls answered by this model. */
  model?: string | undefined;
  /** Steps started at or after this time. */
  since?: number | undefined;
  /** Steps started before this time. */
  until?: number | undefined;
  /** At most this many rows (the oldest first). */
  limit?: number | undefined;
}

/** A thread with its run log's totals, as `agentchart runs` lists it. */
export interface RunSummary {
  threadId: string;
  status: RunStatus;
  /** Its newest checkpoint. */
  version: number;
  /** When its newest checkpoint was written. */
  updatedAt: number;
  /** The agent whose steps the thread's log has (null before its first step). */
  agent: string | null;
  tenantId: string | null;
  /** Steps in the log. */
  steps: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Failed steps, and model answers a guard blocked after they were paid for. */
  errors: number;
  /**
   * Human waits the run log shows open: human steps still `started` while the thread waits
   * or runs. A wait whose state the chart left (a `PAUSE` out of it, an `after` timer beside
   * it) stays `started` in the journal and is counted here though no reply reaches it; the
   * thread's checkpoint tells which still run (`agentchart runs` and `waits` count those).
   */
  waits: number;
}

/** Which threads {@link RunLog.listRuns} lists; every field narrows it. */
export interface RunFilter {
  /** This thread only. */
  threadId?: string | undefined;
  status?: RunStatus | undefined;
  agent?: string | undefined;
  tenantId?: string | undefined;
  /**
   * Threads whose id starts with this: a batch's prefix. A whole id matches more than its
   * thread (`acme-1` matches `acme-10`); use {@link threadFamily} for one thread.
   */
  threadPrefix?: string | undefined;
  /**
   * This thread and its child agents' threads: the id itself, and ids that continue it after
   * the child separator, `/` (`acme-1/0.delegating#0`; not `acme-10`).
   */
  threadFamily?: string | undefined;
  /** Threads updated (their newest checkpoint written) at or after this time. */
  since?: number | undefined;
  /** Threads updated before this time. */
  until?: number | undefined;
  /** At most this many, the most recently updated first. */
  limit?: number | undefined;
}

/**
 * A store's run log: the `effect_log` table it keeps beside the journal, one row per effect
 * step, written from each journal record in the same transaction. The SQLite, PostgreSQL and
 * memory stores implement it.
 */
export interface RunLog {
  /** Rows matching `filter`, in the order their steps started. */
  listEffectLog(filter?: EffectLogFilter): Promise<EffectLogRow[]>;
  /** Threads matching `filter` with their totals, the most recently updated first. */
  listRuns(filter?: RunFilter): Promise<RunSummary[]>;
  /**
   * Cost totals of completed model calls matching `filter` (`since`/`until` on when they
   * finished), per group (a day is `YYYY-MM-DD`, UTC); without `by`, one group keyed `''`
   * (absent when nothing matches).
   */
  summariseCost(filter?: CostFilter, by?: CostGroupKey): Promise<Map<string, CostSummary>>;
}
