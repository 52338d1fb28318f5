/**
 * @module @agentchart/core/run-log
 * The run log: one row per effect step (model call, tool call, human wait, child agent) in
 * the `effect_log` table of the checkpoint database, written from the journal in the same
 * transaction — its row type, its queries' filters and the durable cost ledger over it.
 */
export { RunLogCostLedger } from './run-log-cost-ledger';
export type { EffectLogFilter, EffectLogRow, RunFilter, RunLog, RunSummary } from './types';
