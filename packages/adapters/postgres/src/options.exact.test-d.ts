/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them: checked by `scripts/typecheck-exact-optional.ts` under that setting.
 */
import pg from 'pg';
import { it } from 'vitest';
import {
  createPostgresWorker,
  createThreadJobs,
  PostgresCheckpointer,
  queueWarnings,
} from './index';
import { startThrowawayPostgres } from './testing/index';

it('takes undefined for the options of the checkpointer, the worker and the jobs', async () => {
  new PostgresCheckpointer({
    connectionString: 'postgres://localhost/agents',
    max: undefined,
    queryTimeoutMs: undefined,
    schema: process.env.AGENTCHART_SCHEMA,
    createTables: undefined,
  });
  new PostgresCheckpointer({ pool: new pg.Pool(), max: undefined, schema: undefined });
  const worker = await createPostgresWorker({
    connectionString: 'postgres://localhost/agents',
    agents: [],
    concurrency: undefined,
    tenantConcurrency: undefined,
    poolSize: undefined,
    schema: undefined,
    jobSchema: undefined,
    queryTimeoutMs: undefined,
    leaseTtlMs: undefined,
    schedulerIntervalMs: undefined,
    retention: { olderThanMs: 86_400_000, statuses: undefined, intervalMs: undefined },
    onError: undefined,
  });
  const id = await worker.jobs.start('support', {
    threadId: 'T-1',
    input: {},
    tenantId: undefined,
  });
  await worker.jobs.result('support', id, { timeoutMs: undefined, tenantId: undefined });
  await worker.close({ timeoutMs: undefined });
  await createThreadJobs({
    connectionString: 'postgres://localhost/agents',
    jobSchema: undefined,
    onError: undefined,
    queryTimeoutMs: undefined,
  });
  queueWarnings('localhost', { warn: undefined, quietMs: undefined, now: undefined });
  await startThrowawayPostgres({ fsync: undefined, password: undefined });
});
