import type {
  CostEntry,
  CostFilter,
  CostGroupKey,
  CostLedger,
  CostSummary,
} from '../cost/cost-ledger';
import type { RunLog } from './types';

/**
 * The durable {@link CostLedger}: it reads the run log of a checkpoint store, so it answers
 * "what did this run, tenant, model, day cost" for every process that shares the database,
 * after restarts. Nothing is recorded through it — a model call's cost reaches the log with
 * the call's own journal record — so `record` does nothing, and a call replayed from the
 * journal is never counted twice.
 *
 * @example
 * ```ts
 * const store = new SqliteCheckpointer({ path: '.agentchart/runs.db' });
 * const ledger = new RunLogCostLedger(store);
 * (await ledger.summariseBy('day', { tenantId: 'acme' })).get('2026-03-01')?.costUsd;
 * ```
 */
export class RunLogCostLedger implements CostLedger {
  readonly #log: RunLog;

  /** @param log The store whose run log the ledger reads (SQLite, PostgreSQL or memory). */
  constructor(log: RunLog) {
    this.#log = log;
  }

  /** Does nothing: the call's journal record has already put its cost in the log. */
  async record(_entry: CostEntry): Promise<void> {}

  async summarise(filter: CostFilter = {}): Promise<CostSummary> {
    const totals = await this.#log.summariseCost(filter);
    return (
      totals.get('') ?? { calls: 0, cachedCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }
    );
  }

  summariseBy(key: CostGroupKey, filter: CostFilter = {}): Promise<Map<string, CostSummary>> {
    return this.#log.summariseCost(filter, key);
  }

  async entries({
    threadId,
    tenantId,
    model,
    since,
    until,
  }: CostFilter = {}): Promise<CostEntry[]> {
    const rows = await this.#log.listEffectLog({
      kind: 'llm',
      status: 'completed',
      ...(threadId === undefined ? {} : { threadId }),
      ...(tenantId === undefined ? {} : { tenantId }),
      ...(model === undefined ? {} : { model }),
    });
    const entries: CostEntry[] = [];
    for (const row of rows) {
      const at = row.finishedAt ?? row.startedAt;
      if ((since !== undefined && at < since) || (until !== undefined && at >= until)) continue;
      // Not billed: no call was made (a history summary sent again), as the sums count.
      if (row.inputTokens === null) continue;
      entries.push({
        threadId: row.threadId,
        ...(row.tenantId === null ? {} : { tenantId: row.tenantId }),
        callId: row.key,
        model: row.model ?? row.name,
        usage: { inputTokens: row.inputTokens ?? 0, outputTokens: row.outputTokens ?? 0 },
        costUsd: row.costUsd ?? 0,
        cached: row.cached,
        at,
      });
    }
    return entries.sort((a, b) => a.at - b.at);
  }
}
