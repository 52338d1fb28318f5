/**
 * The store's rows of the reliability table in docs/reliability.md, measured: SIGKILLs at
 * random points of SQLite's WAL checkpoint, a disk that fills while a store writes and while
 * an agent runs (then space is freed), and two processes racing for the same leases. Root
 * only (the full disk is a private tmpfs). Prints a markdown table.
 *
 *   node_modules/.bin/tsx --conditions=source packages/core/test/storage/reliability-trials.ts [scale]
 *
 * `scale` multiplies the trial counts (default 1); `TRIALS=kill|store|agent|lease` runs one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer';
import type { FillPoint } from './full-disk-agent-child';
import { onSmallDisk } from './small-disk';

const here = dirname(fileURLToPath(import.meta.url));
const scale = Number(process.argv[2] ?? 1);
const tsx = ['--conditions=source', '--import', 'tsx'];
const rows: string[][] = [];

/** SIGKILL a writer at a random time while SQLite checkpoints its WAL every few commits. */
async function killDuringCheckpoints(trials: number) {
  let refused = 0;
  let lost = 0;
  for (let trial = 0; trial < trials; trial++) {
    const dir = mkdtempSync(join(tmpdir(), 'agentchart-kill-trial-'));
    try {
      const path = join(dir, 'runs.db');
      new SqliteCheckpointer({ path }).close();
      // Plain Node (it strips the types): a quick start, so the kill lands among the writes.
      const child = spawn(process.execPath, [join(here, 'wal-writer-child.ts'), path], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
      });
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 600));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const committed = out.split('\n').filter(Boolean).length;
      try {
        const store = new SqliteCheckpointer({ path });
        if ((await store.listEffects('t')).length < committed) lost++;
        store.close();
      } catch {
        refused++;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  rows.push([
    'SQLite store: writer SIGKILLed at a random time, WAL checkpoint every 8 pages, then reopened',
    String(trials),
    `${trials - refused - lost} of ${trials} (${refused} refused, ${lost} with committed rows missing)`,
    'n/a (no effects)',
    'n/a',
  ]);
}

/** A store fills a 2 MB disk, space is freed, the store is opened again. */
function storeOnFullDisk(trials: number) {
  let whole = 0;
  for (let trial = 0; trial < trials; trial++) {
    const result = onSmallDisk<{
      save: { ok: boolean; error?: { code: string } };
      reopened: { ok: boolean; value?: { versions: number[]; next: number } };
      integrity: string;
    }>('full-disk-store.ts', null);
    const ok =
      result.save.error?.code === 'storage.full' &&
      result.reopened.ok &&
      result.reopened.value?.versions.join() === '1,2,3' &&
      result.integrity === 'ok';
    if (ok) whole++;
  }
  rows.push([
    'SQLite store: disk (2 MB tmpfs) full at open and while writing; space freed; reopened',
    String(trials),
    `${whole} of ${trials} (storage.full each time, every checkpoint back, integrity_check ok)`,
    'n/a (no effects)',
    'n/a',
  ]);
}

/** The invoice agent meets a full disk mid-run, and is resumed once space is freed. */
function agentOnFullDisk(trials: number) {
  for (const fillAt of ['model-call-3', 'after-send', 'before-reply'] as FillPoint[]) {
    let whole = 0;
    let single = 0;
    let remade = 0;
    for (let trial = 0; trial < trials; trial++) {
      const report = onSmallDisk<{
        second: { steps: { status: string }[]; journal: { status: string }[] };
        sends: number[];
        modelCalls: number;
        reference: { modelCalls: number };
      }>('full-disk-agent.ts', { fillAt });
      const done = report.second.steps.at(-1)?.status === 'done';
      if (done && report.second.journal.every((entry) => entry.status === 'completed')) whole++;
      if (report.sends.join() === '1') single++;
      remade += report.modelCalls - report.reference.modelCalls;
    }
    rows.push([
      `Agent run (invoice agent, SQLite), disk full at ${fillAt}; space freed; resumed in a new process`,
      String(trials),
      `${whole} of ${trials} done with every effect completed`,
      `${single} of ${trials} sent the invoice once (model answers asked again: ${remade})`,
      'n/a',
    ]);
  }
}

/** Two processes take the leases of the same threads at the same moment. */
function leaseRace(threads: number) {
  const dir = mkdtempSync(join(tmpdir(), 'agentchart-lease-race-'));
  try {
    const path = join(dir, 'runs.db');
    new SqliteCheckpointer({ path }).close();
    const startAt = String(Date.now() + 4_000);
    const racers = ['a', 'b'].map((owner) =>
      spawn(
        process.execPath,
        [...tsx, join(here, 'lease-racer-child.ts'), path, owner, String(threads), startAt],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
    );
    return Promise.all(
      racers.map(
        (child) =>
          new Promise<number[]>((resolve) => {
            let out = '';
            child.stdout.on('data', (chunk) => {
              out += chunk;
            });
            child.once('exit', () => resolve(JSON.parse(out.trim() || '[]') as number[]));
          }),
      ),
    ).then(([a, b]) => {
      const wins = new Map<number, number>();
      for (const thread of [...a!, ...b!]) wins.set(thread, (wins.get(thread) ?? 0) + 1);
      const single = [...Array(threads).keys()].filter((thread) => wins.get(thread) === 1).length;
      rows.push([
        'SQLite store: two processes take the leases of the same threads at the same moment',
        String(threads),
        `${single} of ${threads} threads with exactly one holder (a won ${a!.length}, b ${b!.length})`,
        `${threads - single} threads with two holders or none`,
        'n/a',
      ]);
    });
  } finally {
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
}

if (process.getuid?.() !== 0 || spawnSync('unshare', ['--help']).status !== 0) {
  throw new Error(
    'The reliability trials need root and unshare (a private tmpfs for the full disk).',
  );
}
const only = process.env.TRIALS;
if (!only || only === 'kill') await killDuringCheckpoints(40 * scale);
if (!only || only === 'store') storeOnFullDisk(10 * scale);
if (!only || only === 'agent') agentOnFullDisk(5 * scale);
if (!only || only === 'lease') await leaseRace(200 * scale);
const header = ['scenario', 'trials', 'nothing lost', 'nothing doubled', 'escapes'];
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
