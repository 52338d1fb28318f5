/**
 * @module @agentchart/postgres/testing
 * A throwaway PostgreSQL 15 cluster on loopback for tests and benchmarks.
 */
export {
  postgresBinDir,
  startThrowawayPostgres,
  type ThrowawayPostgres,
  type ThrowawayPostgresOptions,
} from './throwaway-postgres';
