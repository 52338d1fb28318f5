/**
 * Runs per second with 1, 2 and 4 worker processes on one PostgreSQL, on the scripted model
 * with 50 ms latency per call (docs/performance.md, "Scale-out"). Each configuration gets a
 * fresh database on one throwaway cluster; the workers start and report ready first, then
 * the runs are enqueued and the clock runs until every thread is done.
 *
 *   ./run measure:scale-out [runs] [concurrency]
 *
 * Prints one JSON line per configuration and a table at the end.
 */
import pg from 'pg';
import { createThreadJobs } from '../src/index';
import { startThrowawayPostgres } from '../src/testing/index';
import { agentTables } from '../test/scale-out/side-effect-agent';
import { startWorkers, waitFor } from '../test/scale-out/worker-fleet';

const runs = Number(process.argv[2] ?? 400);
const concurrency = Number(process.argv[3] ?? 10);
const postgres = await startThrowawayPostgres();
const results: { workers: number; seconds: number; runsPerSecond: number }[] = [];
try {
  for (const workerCount of (process.env.SCALE_WORKERS ?? '1,2,4').split(',').map(Number)) {
    const admin = new pg.Pool({ connectionString: postgres.connectionString, max: 1 });
    await admin.query(`CREATE DATABASE scale_${workerCount}`);
    await admin.end();
    const databaseUrl = postgres.connectionString.replace(/\/postgres$/, `/scale_${workerCount}`);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    await pool.query(agentTables);
    const workers = await startWorkers(workerCount, {
      databaseUrl,
      concurrency,
      modelLatencyMs: 50,
    });
    const queue = await createThreadJobs({ connectionString: databaseUrl });
    const started = performance.now();
    for (let index = 0; index < runs; index += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, runs - index) }, (_, offset) =>
          queue.jobs.start('shipping', {
            threadId: `order-${index + offset}`,
            input: { order: `order-${index + offset}` },
          }),
        ),
      );
    }
    await waitFor(
      'every run',
      async () =>
        Number(
          (
            await pool.query<{ n: string }>(
              "SELECT count(*) AS n FROM agentchart_threads WHERE status = 'done'",
            )
          ).rows[0]!.n,
        ) === runs,
      300_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const shipped = Number(
      (await pool.query<{ n: string }>('SELECT count(*) AS n FROM shipments')).rows[0]!.n,
    );
    if (shipped !== runs) {
      const failures = await pool.query(
        `SELECT kind, entry::json -> 'error' ->> 'code' AS code, entry::json -> 'error' ->> 'message' AS message, count(*)::int AS n
         FROM agentchart_effects WHERE status <> 'completed' GROUP BY 1, 2, 3 ORDER BY n DESC LIMIT 10`,
      );
      console.error(JSON.stringify(failures.rows, null, 1));
      console.error(
        workers
          .map((worker) => worker.output())
          .join('\n')
          .slice(0, 3000),
      );
      throw new Error(`${shipped} side effects for ${runs} runs`);
    }
    await queue.close();
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
    await pool.end();
    const result = { workers: workerCount, seconds, runsPerSecond: runs / seconds };
    results.push(result);
    console.log(JSON.stringify(result));
  }
} finally {
  postgres.stop();
}
const single = results[0]!.runsPerSecond;
console.log(`\n| workers | runs | seconds | runs/s | scaling efficiency |`);
console.log('| ------- | ---- | ------- | ------ | ------------------ |');
for (const { workers, seconds, runsPerSecond } of results) {
  console.log(
    `| ${workers} | ${runs} | ${seconds.toFixed(1)} | ${runsPerSecond.toFixed(1)} | ${((runsPerSecond / (single * workers)) * 100).toFixed(0)}% |`,
  );
}
