import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThreadJobs } from '../../src/index';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/testing/index';
import { agentTables } from './side-effect-agent';
import { startWorkers, type WorkerProcess, waitFor } from './worker-fleet';

let postgres: ThrowawayPostgres;
let pool: pg.Pool;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  postgres = await startThrowawayPostgres();
  pool = new pg.Pool({ connectionString: postgres.connectionString, max: 4 });
  await pool.query(agentTables);
}, 60_000);

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  await pool?.end();
  postgres?.stop();
});

const runs = 500;

async function count(sql: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql);
  return Number(rows[0]!.n);
}

describe('scale-out on PostgreSQL (issue 15)', () => {
  it('three workers, 500 runs with an unsafe tool, one worker SIGKILLed midway: every run completes, each side effect exactly once, no thread advanced by two workers', async () => {
    workers = await startWorkers(3, {
      databaseUrl: postgres.connectionString,
      concurrency: 10,
      modelLatencyMs: 50,
    });
    const queue = await createThreadJobs({ connectionString: postgres.connectionString });
    try {
      for (let index = 0; index < runs; index++) {
        await queue.jobs.start('shipping', {
          threadId: `order-${index}`,
          input: { order: `order-${index}` },
        });
      }
    } finally {
      await queue.close();
    }
    const done = () => count("SELECT count(*) AS n FROM agentchart_threads WHERE status = 'done'");
    // Midway: a third of the runs done, the killed worker holding some in flight.
    await waitFor('a third of the runs to finish', async () => (await done()) >= runs / 3, 60_000);
    // The busiest worker so far: it has threads in flight when it dies.
    const { rows: busiest } = await pool.query<{ pid: number }>(
      'SELECT pid FROM shipments GROUP BY pid ORDER BY count(*) DESC LIMIT 1',
    );
    const victim = workers.find((worker) => worker.child.pid === busiest[0]!.pid)!;
    // Killed only while it holds a run in flight — begun by it, stored, not done — or the kill
    // would orphan nothing: frozen (SIGSTOP) while that is checked, let go again if not.
    let inFlight = 0;
    for (let attempt = 0; attempt < 100 && inFlight === 0; attempt++) {
      victim.child.kill('SIGSTOP');
      inFlight = await count(
        `SELECT count(DISTINCT m.order_id) AS n FROM model_calls m
         JOIN agentchart_threads t ON t.thread_id = m.order_id
         WHERE m.pid = ${victim.child.pid} AND t.status <> 'done'
           AND EXISTS (SELECT 1 FROM agentchart_checkpoints c WHERE c.thread_id = m.order_id)`,
      );
      if (inFlight === 0) {
        victim.child.kill('SIGCONT');
        await new Promise((resolveLater) => setTimeout(resolveLater, 20));
      }
    }
    expect(inFlight).toBeGreaterThan(0);
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    const doneAtKill = await done();
    expect(doneAtKill).toBeLessThan(runs);

    await waitFor('every run to finish', async () => (await done()) === runs, 120_000);

    // Every run completed, each with exactly one side effect, by the tool's own table.
    expect(await count('SELECT count(*) AS n FROM agentchart_threads')).toBe(runs);
    expect(await count('SELECT count(*) AS n FROM shipments')).toBe(runs);
    expect(await count('SELECT count(DISTINCT thread_id) AS n FROM shipments')).toBe(runs);
    // The killed worker had shipped some, and the others shipped the rest.
    expect(
      await count(`SELECT count(*) AS n FROM shipments WHERE pid = ${victim.child.pid}`),
    ).toBeGreaterThan(0);

    // No thread advanced by two workers: along each thread's versions, an owner that has
    // handed it over never writes again (versions are unique by the compare-and-set).
    const { rows } = await pool.query<{ thread_id: string; owners: string[] }>(
      `SELECT thread_id, array_agg(owner ORDER BY version) AS owners
       FROM agentchart_checkpoints GROUP BY thread_id`,
    );
    const interleaved = rows.filter(({ owners }) => {
      const seen = new Set<string>();
      for (const [index, owner] of owners.entries()) {
        if (index > 0 && owner !== owners[index - 1] && seen.has(owner)) return true;
        seen.add(owner);
      }
      return false;
    });
    expect(interleaved).toEqual([]);
    const takenOver = rows.filter(({ owners }) => new Set(owners).size > 1).length;
    expect(takenOver).toBeGreaterThan(0);

    // The two others shut down gracefully on SIGTERM.
    const survivors = workers.filter((worker) => worker !== victim);
    for (const worker of survivors) worker.child.kill('SIGTERM');
    for (const worker of survivors) {
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect(worker.output()).toContain('closed\n');
    }
  }, 240_000);
});
