import type { CostFilter, CostGroupKey, CostSummary } from '../cost/cost-ledger';
import { addUsd } from '../cost/usd';
import type { RunStatus } from '../store/types';
import type { EffectLogFilter, EffectLogRow, RunFilter, RunSummary } from './types';

/** A thread as a store's thread list has it: what a {@link RunSummary} starts from. */
export type ThreadHead = Pick<RunSummary, 'threadId' | 'status' | 'version' | 'updatedAt'>;

/**
 * The rows matching `filter`, in the order their steps started (those started together in
 * the order given). With {@link summariseCostRows} and {@link summariseRuns}: the run log's
 * queries over rows in memory — how the memory store answers them, and what every SQL
 * store's queries must answer too (the conformance suite checks them against each other).
 */
export function filterEffectLog(
  rows: Iterable<EffectLogRow>,
  { threadId, agent, tenantId, kind, status, model, since, until, limit }: EffectLogFilter = {},
): EffectLogRow[] {
  const matching: EffectLogRow[] = [];
  for (const row of rows) {
    if (
      (threadId === undefined || row.threadId === threadId) &&
      (agent === undefined || row.agent === agent) &&
      (tenantId === undefined || row.tenantId === tenantId) &&
      (kind === undefined || row.kind === kind) &&
      (status === undefined || row.status === status) &&
      (model === undefined || row.model === model) &&
      (since === undefined || row.startedAt >= since) &&
      (until === undefined || row.startedAt < until)
    ) {
      matching.push(row);
    }
  }
  // Stable: steps started at the same time keep the order they were recorded in.
  matching.sort((a, b) => a.startedAt - b.startedAt);
  return limit === undefined ? matching : matching.slice(0, limit);
}

/** A UTC day, `YYYY-MM-DD`, of a time in milliseconds. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Cost totals of the completed model calls among `rows` that match `filter`, per group: the billed rows. */
export function summariseCostRows(
  rows: Iterable<EffectLogRow>,
  { threadId, tenantId, model, since, until }: CostFilter = {},
  by?: CostGroupKey,
): Map<string, CostSummary> {
  const totals = new Map<string, CostSummary>();
  for (const row of rows) {
    // A row with no billed tokens is no call made: a history summary sent again.
    if (row.kind !== 'llm' || row.status !== 'completed' || row.inputTokens === null) continue;
    const at = row.finishedAt ?? row.startedAt;
    if (
      (threadId !== undefined && row.threadId !== threadId) ||
      (tenantId !== undefined && row.tenantId !== tenantId) ||
      (model !== undefined && row.model !== model) ||
      (since !== undefined && at < since) ||
      (until !== undefined && at >= until)
    ) {
      continue;
    }
    const group =
      by === undefined
        ? ''
        : by === 'day'
          ? utcDay(at)
          : ((by === 'threadId' ? row.threadId : by === 'tenantId' ? row.tenantId : row.model) ??
            '');
    const total = totals.get(group) ?? {
      calls: 0,
      cachedCalls: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
    };
    total.calls++;
    if (row.cached) total.cachedCalls++;
    total.inputTokens += row.inputTokens ?? 0;
    total.outputTokens += row.outputTokens ?? 0;
    total.costUsd = addUsd(total.costUsd, row.costUsd ?? 0);
    totals.set(group, total);
  }
  return totals;
}

/** The threads among `threads` that match `filter`, with their rows' totals, newest first. */
export function summariseRuns(
  threads: Iterable<ThreadHead>,
  rowsOf: (threadId: string) => readonly EffectLogRow[],
  {
    threadId,
    status,
    agent,
    tenantId,
    threadPrefix,
    threadFamily,
    since,
    until,
    limit,
  }: RunFilter = {},
): RunSummary[] {
  const runs: RunSummary[] = [];
  for (const thread of threads) {
    if (
      (threadId !== undefined && thread.threadId !== threadId) ||
      (status !== undefined && thread.status !== status) ||
      (threadPrefix !== undefined && !thread.threadId.startsWith(threadPrefix)) ||
      (threadFamily !== undefined && !isOfFamily(thread.threadId, threadFamily)) ||
      (since !== undefined && thread.updatedAt < since) ||
      (until !== undefined && thread.updatedAt >= until)
    ) {
      continue;
    }
    const rows = rowsOf(thread.threadId);
    if (agent !== undefined && !rows.some((row) => row.agent === agent)) continue;
    if (tenantId !== undefined && !rows.some((row) => row.tenantId === tenantId)) continue;
    runs.push(runSummaryOf(thread, rows));
  }
  runs.sort((a, b) => b.updatedAt - a.updatedAt || (a.threadId < b.threadId ? -1 : 1));
  return limit === undefined ? runs : runs.slice(0, limit);
}

/** True for `family`'s thread and its child agents' threads (`<family>/…`). */
function isOfFamily(threadId: string, family: string): boolean {
  return threadId === family || threadId.startsWith(`${family}/`);
}

/**
 * The waits of a thread that are open: its human steps started and not answered, while the
 * thread can still be answered (waiting, or running with a wait beside other work). A thread
 * that ended — stopped, done by another way out of the wait, failed, at a limit — has none:
 * its unanswered steps stay `started` in the journal, but a reply is refused.
 */
export function openWaits(status: RunStatus, startedHumanSteps: number): number {
  return status === 'waiting' || status === 'running' ? startedHumanSteps : 0;
}

function runSummaryOf(thread: ThreadHead, rows: readonly EffectLogRow[]): RunSummary {
  const summary: RunSummary = {
    ...thread,
    agent: null,
    tenantId: null,
    steps: rows.length,
    modelCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    errors: 0,
    waits: 0,
  };
  for (const row of rows) {
    summary.agent ??= row.agent;
    summary.tenantId ??= row.tenantId;
    if (row.kind === 'llm' && row.status === 'completed' && !row.cached) summary.modelCalls++;
    summary.inputTokens += row.inputTokens ?? 0;
    summary.outputTokens += row.outputTokens ?? 0;
    summary.costUsd = addUsd(summary.costUsd, row.costUsd ?? 0);
    // A completed step can carry an error too: an answer a guard blocked after it was paid for.
    if (row.status === 'failed' || row.errorCode !== null) summary.errors++;
    if (row.kind === 'human' && row.status === 'started') summary.waits++;
  }
  summary.waits = openWaits(thread.status, summary.waits);
  return summary;
}
