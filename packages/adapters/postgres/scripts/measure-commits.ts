/**
 * What a run costs PostgreSQL in transactions (docs/performance.md, "Commits per run on
 * PostgreSQL"). Runs a chain of `steps` tool steps on one throwaway PostgreSQL 15,
 * first one run at a time, then `concurrency` at once, and counts for each what the server
 * did: writing transactions (each one a commit that waits for the WAL to be flushed, at the
 * default `synchronous_commit`) and WAL bytes, per run and per step.
 *
 *   pnpm --filter @agentchart/postgres measure:commits [runs] [steps] [concurrency] [unsafe|pure] [fsync]
 *
 * Each step is a `toolCall` of a tool that adds one: `unsafe` (the default) journals an
 * intent before the tool runs and its result after, `pure` journals the result only. With
 * `fsync`, the server flushes each commit to disk as a production server does; without,
 * it does not (the tests' setting).
 */
import { createAgent } from '@agentchart/core';
import pg from 'pg';
import { PostgresCheckpointer } from '../src/index';
import { startThrowawayPostgres } from '../src/testing/index';
import { toolChain } from '../test/fixtures';

const runs = Number(process.argv[2] ?? 200);
const steps = Number(process.argv[3] ?? 10);
const concurrency = Number(process.argv[4] ?? 20);
const effect = process.argv[5] ?? 'unsafe';
if (effect !== 'unsafe' && effect !== 'pure')
  throw new Error(`effect is unsafe or pure, got ${effect}`);
const fsync = process.argv[6] === 'fsync';

interface ServerCounters {
  transactions: number;
  walBytes: number;
}

/**
 * Writing transactions so far (the server's next transaction id: only a transaction that
 * writes takes one, and each of those commits to the WAL) and the WAL position. The query
 * itself takes one transaction id, taken away by the caller.
 */
async function counters(admin: pg.Pool): Promise<ServerCounters> {
  const { rows } = await admin.query<{ xid: string; lsn: string }>(
    "SELECT txid_current()::text AS xid, (pg_current_wal_lsn() - '0/0'::pg_lsn)::text AS lsn",
  );
  return { transactions: Number(rows[0]!.xid), walBytes: Number(rows[0]!.lsn) };
}

const postgres = await startThrowawayPostgres({ fsync });
const admin = new pg.Pool({ connectionString: postgres.connectionString, max: 1 });
const { rows: settings } = await admin.query<{ fsync: string }>('SHOW fsync');
console.log(`fsync ${settings[0]!.fsync}`);
const checkpointer = new PostgresCheckpointer({ connectionString: postgres.connectionString });
const agent = createAgent({ machine: toolChain(steps, effect), checkpointer });
try {
  let thread = 0;
  const runOne = async () => {
    const outcome = await agent.run({ threadId: `chain-${thread++}`, input: undefined });
    if (outcome.status !== 'done') throw new Error(`a run ended ${outcome.status}`);
    if (outcome.output !== steps) throw new Error(`a run counted ${outcome.output} steps`);
  };
  // The tables are made and the statements prepared before anything is counted.
  for (let index = 0; index < 20; index++) await runOne();
  const rows: string[] = [];
  for (const inFlight of [1, concurrency]) {
    const before = await counters(admin);
    const started = performance.now();
    for (let done = 0; done < runs; done += inFlight) {
      await Promise.all(Array.from({ length: Math.min(inFlight, runs - done) }, runOne));
    }
    const ms = performance.now() - started;
    const after = await counters(admin);
    const transactions = after.transactions - before.transactions - 1;
    const walBytes = after.walBytes - before.walBytes;
    const line = {
      runs,
      steps,
      effect,
      fsync,
      inFlight,
      transactionsPerRun: transactions / runs,
      transactionsPerStep: transactions / runs / steps,
      walBytesPerRun: Math.round(walBytes / runs),
      msPerRun: ms / runs,
    };
    console.log(JSON.stringify(line));
    rows.push(
      `| ${inFlight} | ${line.transactionsPerRun.toFixed(2)} | ${line.transactionsPerStep.toFixed(2)} | ${line.walBytesPerRun} | ${line.msPerRun.toFixed(2)} |`,
    );
  }
  console.log(
    `\n${runs} runs of ${steps} ${effect} tool steps, fsync ${fsync ? 'on' : 'off'}:\n| runs in flight | transactions per run | per step | WAL bytes per run | ms per run |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}`,
  );
} finally {
  await agent.close();
  await checkpointer.close();
  await admin.end();
  postgres.stop();
}
