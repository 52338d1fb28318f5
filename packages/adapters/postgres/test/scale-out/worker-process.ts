/**
 * One worker process of the scale-out test and measurement: runs the side-effect agent from
 * the job queue until SIGTERM (then shuts down gracefully) or SIGKILL. Configured by
 * environment: SCALE_DATABASE_URL, SCALE_CONCURRENCY, SCALE_MODEL_LATENCY_MS.
 */

import pg from 'pg';
import { createPostgresWorker } from '../../src/index';
import { sideEffectAgent } from './side-effect-agent';

const connectionString = process.env.SCALE_DATABASE_URL!;
const pool = new pg.Pool({ connectionString, max: 2 });
const worker = await createPostgresWorker({
  connectionString,
  agents: [
    sideEffectAgent(pool, { modelLatencyMs: Number(process.env.SCALE_MODEL_LATENCY_MS ?? 50) }),
  ],
  concurrency: Number(process.env.SCALE_CONCURRENCY ?? 10),
  leaseTtlMs: 6_000,
  poolSize: 5,
  heartbeatSeconds: 10,
  monitorIntervalSeconds: 2,
  orphanIntervalMs: 2_000,
  onError: (error) => process.stderr.write(`worker ${process.pid}: ${String(error)}\n`),
});
process.once('SIGTERM', () => {
  void worker.close({ timeoutMs: 5_000 }).then(async () => {
    await pool.end();
    process.stdout.write('closed\n');
    process.exit(0);
  });
});
process.stdout.write('ready\n');
