import type { JournalEntry } from '@agentchart/core';
import type { LateToolResult } from '@agentchart/core/internal';

/**
 * What an `unsafe` tool returned after its run ended or its state was left, kept on its
 * `started` step as `meta.lateResult` (ADR 0083): the tool acted, though the chart went on
 * without its result. `undefined` for any other step.
 */
export function lateResultOf(
  entry: Pick<JournalEntry, 'status' | 'meta'>,
): LateToolResult | undefined {
  if (entry.status !== 'started') return undefined;
  const late = entry.meta?.lateResult as Partial<LateToolResult> | undefined;
  if (typeof late !== 'object' || late === null || typeof late.finishedAt !== 'number') {
    return undefined;
  }
  return {
    output: late.output,
    finishedAt: late.finishedAt,
    latencyMs: typeof late.latencyMs === 'number' ? late.latencyMs : 0,
  };
}
