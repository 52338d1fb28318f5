import type { RecordedModelCall } from '../ledger/recorded-model-call';
import type { JournalEntry } from '../ledger/types';
import type { EffectLogRow } from './types';

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * The run log row of a journal record: every store writes exactly this, in the same
 * transaction as the record itself, so the log can never say something its journal does
 * not. Usage and cost are read the way the run's usage folds them (see `addRecordUsage`):
 * a completed model call bills its tokens and cost unless it came from the response cache;
 * a history summary sent again bills nothing and is no call (its cost columns are null);
 * a child agent's row bills nothing, its own thread's rows do — so summing a column over the
 * whole log counts every call once.
 */
export function effectLogRowOf(entry: JournalEntry): EffectLogRow {
  const meta = entry.meta ?? {};
  const llm = entry.kind === 'llm';
  const call = llm ? (entry.output as Partial<RecordedModelCall> | undefined) : undefined;
  // A history summary sent again is journaled as a call (a resumed run reads its text back)
  // but none was made: the run's usage does not count it, so neither does the log.
  const reusedSummary = meta.summary === 'reused';
  const billed = llm && entry.status === 'completed' && call !== undefined && !reusedSummary;
  const cached = billed && call?.cached === true;
  const usage = call?.response?.usage;
  const prompt = meta.prompt as { id?: unknown; version?: unknown } | undefined;
  const version = prompt?.version ?? meta.promptVersion;
  const latency =
    number(meta.latencyMs) ??
    (entry.finishedAt === undefined ? null : entry.finishedAt - entry.startedAt);
  return {
    threadId: entry.threadId,
    key: entry.key,
    site: entry.site,
    agent: text(meta.agent),
    state: text(meta.state),
    kind: entry.kind,
    name: entry.name,
    status: entry.status,
    model: llm ? (text(call?.model) ?? entry.name) : null,
    endpoint: llm ? text(meta.endpoint) : null,
    promptId: text(prompt?.id),
    promptVersion:
      typeof version === 'string' || typeof version === 'number' ? String(version) : null,
    inputHash: text(meta.requestHash) ?? text(meta.inputHash),
    inputTokens: billed ? (cached ? 0 : (number(usage?.inputTokens) ?? 0)) : null,
    outputTokens: billed ? (cached ? 0 : (number(usage?.outputTokens) ?? 0)) : null,
    costUsd: billed ? (cached ? 0 : (number(call?.costUsd) ?? 0)) : null,
    latencyMs: latency,
    attempts: billed ? number(call?.attempts) : null,
    cached,
    confidence: number(meta.confidence),
    escalated: meta.escalation !== undefined && meta.escalation !== null,
    // A guard stopped an answer that was paid for: the step completed (it bills), but it
    // is why the effect failed, and the log must say so.
    errorCode: text(entry.error?.code) ?? (call?.blocked ? 'guard.blocked' : null),
    tenantId: text(meta.tenantId),
    startedAt: entry.startedAt,
    finishedAt: entry.finishedAt ?? null,
  };
}
