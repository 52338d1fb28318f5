import type { CostEntry, CostFilter, CostGroupKey, CostLedger, CostSummary } from './cost-ledger';
import { addUsd } from './usd';

/**
 * A {@link CostLedger} in memory, for one process and for tests.
 *
 * @example
 * ```ts
 * const ledger = new MemoryCostLedger();
 * await ledger.record({ threadId: 't1', tenantId: 'acme', callId: 'k', model: 'gpt-4o-mini', usage, costUsd, cached: false, at: Date.now() });
 * (await ledger.summarise({ tenantId: 'acme' })).costUsd;
 * ```
 */
export class MemoryCostLedger implements CostLedger {
  readonly #entries: CostEntry[] = [];
  readonly #seen = new Set<string>();

  async record(entry: CostEntry): Promise<void> {
    const id = `${entry.threadId}\u0000${entry.callId}`;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    this.#entries.push({ ...entry });
  }

  async summarise(filter: CostFilter = {}): Promise<CostSummary> {
    return totalOf(this.#matching(filter));
  }

  async summariseBy(key: CostGroupKey, filter: CostFilter = {}): Promise<Map<string, CostSummary>> {
    const groups = new Map<string, CostEntry[]>();
    for (const entry of this.#matching(filter)) {
      const value =
        key === 'day' ? new Date(entry.at).toISOString().slice(0, 10) : (entry[key] ?? '');
      groups.set(value, [...(groups.get(value) ?? []), entry]);
    }
    return new Map([...groups].map(([value, entries]) => [value, totalOf(entries)]));
  }

  async entries(filter: CostFilter = {}): Promise<CostEntry[]> {
    return this.#matching(filter).map((entry) => ({ ...entry }));
  }

  #matching({ threadId, tenantId, model, since, until }: CostFilter): CostEntry[] {
    return this.#entries.filter(
      (entry) =>
        (threadId === undefined || entry.threadId === threadId) &&
        (tenantId === undefined || entry.tenantId === tenantId) &&
        (model === undefined || entry.model === model) &&
        (since === undefined || entry.at >= since) &&
        (until === undefined || entry.at < until),
    );
  }
}

function totalOf(entries: readonly CostEntry[]): CostSummary {
  const summary: CostSummary = {
    calls: 0,
    cachedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
  };
  for (const entry of entries) {
    summary.calls++;
    if (entry.cached) summary.cachedCalls++;
    // Tokens billed: a cache hit carries the original answer's usage but bills none of it.
    if (!entry.cached) {
      summary.inputTokens += entry.usage.inputTokens;
      summary.outputTokens += entry.usage.outputTokens;
    }
    summary.costUsd = addUsd(summary.costUsd, entry.costUsd);
  }
  return summary;
}
