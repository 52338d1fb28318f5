import type { Usage } from '../model/types';

/** One model call's cost, as recorded. */
export interface CostEntry {
  threadId: string;
  tenantId?: string;
  /** The call's journal key: the same call recorded twice (a replay) counts once. */
  callId: string;
  model: string;
  usage: Usage;
  costUsd: number;
  /** Served from the response cache: no tokens billed. */
  cached: boolean;
  /** When the call ended, on the run's clock. */
  at: number;
}

/** Which entries a query covers; every field narrows it. */
export interface CostFilter {
  threadId?: string | undefined;
  tenantId?: string | undefined;
  model?: string | undefined;
  /** From this time, inclusive. */
  since?: number | undefined;
  /** Before this time. */
  until?: number | undefined;
}

/** Totals over a set of calls. */
export interface CostSummary {
  calls: number;
  cachedCalls: number;
  /** Input tokens billed: calls served from the cache are not counted. */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** What {@link CostLedger.summariseBy} groups by: a run, a tenant, a model, or a UTC day. */
export type CostGroupKey = 'threadId' | 'tenantId' | 'model' | 'day';

/**
 * Where model call costs are kept, to answer "what did this run, this tenant, this model,
 * this day cost". The in-memory ledger is for one process; the run log's ledger
 * (`new RunLogCostLedger(store)` from `@agentchart/core/run-log`, over the `effect_log`
 * table of the checkpoint database) answers the same questions durably, across processes,
 * with SQL sums over its model-call rows.
 */
export interface CostLedger {
  /** Records a call; a second record with the same `threadId` and `callId` is ignored. */
  record(entry: CostEntry): Promise<void>;
  /** Totals of the calls matching `filter`. */
  summarise(filter?: CostFilter): Promise<CostSummary>;
  /** Totals per thread, tenant, model or day (`YYYY-MM-DD`, UTC, of when the call ended). */
  summariseBy(key: CostGroupKey, filter?: CostFilter): Promise<Map<string, CostSummary>>;
  /** The calls matching `filter`, oldest first. */
  entries(filter?: CostFilter): Promise<CostEntry[]>;
}
