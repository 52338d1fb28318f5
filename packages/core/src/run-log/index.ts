/**
 * @module @agentchart/core/run-log
 * The durable cost ledger over the run log: one row per effect step (model call, tool call,
 * human wait, child agent) in the `effect_log` table of the checkpoint database, written from
 * the journal in the same transaction. The log's row and filter types and `RunLog` are
 * exported from the root, since the root's stores return them (ADR 0099).
 */
export { RunLogCostLedger } from './run-log-cost-ledger';
