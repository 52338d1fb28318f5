/**
 * @module @agentchart/postgres
 * A PostgreSQL checkpointer for agentchart: checkpoints and the effect journal in two tables,
 * shared by any number of processes.
 */
export { PostgresCheckpointer, type PostgresCheckpointerOptions } from './postgres-checkpointer';
