import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childCommand, repoRoot } from '../crash/spawn-child';
import { sqliteLedger } from '../fixtures/sqlite-ledger';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, 'race-child.ts');

/** What one process of a trial printed. */
interface ChildLine {
  event: 'acting' | 'end';
  status?: string;
  resumed?: boolean;
  refused?: string;
  /** Resumes refused with `checkpoint.lease_held` before this one got the thread. */
  refusals?: number;
}

/** One trial: the outcome of every process, and how often each invoice was sent. */
export interface RaceTrial {
  ends: ChildLine[];
  sends: number[];
}

/** The figures of a lease race: trials, duplicated side effects, lost work. */
export interface RaceReport {
  scenario: 'rival-while-running' | 'two-resumers-after-crash' | 'two-forced-resumes-after-crash';
  trials: number;
  /** Trials where an invoice was sent more than once. */
  duplicates: number;
  /** Trials where no invoice was sent, or the thread did not end done. */
  lost: number;
  /** Resumes refused with `checkpoint.lease_held` while another owner held the thread. */
  refused: number;
  results: RaceTrial[];
}

/** A child of the race, and a promise of its lines. */
function child(role: string, config: Record<string, unknown>, command: string[]) {
  const process_ = spawn(process.execPath, command, {
    cwd: repoRoot,
    env: { ...process.env, AGENTCHART_RACE_CHILD: JSON.stringify({ role, ...config }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: ChildLine[] = [];
  let acting!: () => void;
  const started = new Promise<void>((resolve) => {
    acting = resolve;
  });
  let buffer = '';
  process_.stdout.on('data', (chunk) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = JSON.parse(buffer.slice(0, newline)) as ChildLine;
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      if (line.event === 'acting') acting();
      newline = buffer.indexOf('\n');
    }
  });
  let stderr = '';
  process_.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<ChildLine[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      process_.kill('SIGKILL');
      reject(new Error(`race child "${role}" hung; stderr: ${stderr}`));
    }, 30_000);
    process_.on('close', () => {
      clearTimeout(timer);
      resolve(lines);
    });
  });
  return { started, done };
}

/**
 * Races processes for one thread of the invoice agent (an unsafe `send_invoice` tool with a
 * reconcile hook, a human approval), `trials` times on fresh SQLite files:
 * - `rival-while-running`: while the owner's unsafe tool is in flight (not yet acted), a
 *   second process resumes the thread;
 * - `two-resumers-after-crash`: the owner is killed right after it acted; two processes
 *   resume the thread at once, as soon as its lease lets them;
 * - `two-forced-resumes-after-crash`: the owner is killed with its send in flight, not yet
 *   acted; two processes resume the thread with `force` at once, its lease still live.
 * Counts sends per invoice in the outside ledger: each must be exactly 1.
 */
export async function runLeaseRace({
  scenario,
  trials,
  leaseTtlMs = 600,
}: {
  scenario: RaceReport['scenario'];
  trials: number;
  leaseTtlMs?: number;
}): Promise<RaceReport> {
  const command = await childCommand('bundle', entry);
  const results: RaceTrial[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const dir = mkdtempSync(join(tmpdir(), 'agentchart-lease-race-'));
    try {
      const config = {
        dbPath: join(dir, 'runs.db'),
        ledgerPath: join(dir, 'ledger.db'),
        threadId: `race-${trial}`,
        leaseTtlMs,
      };
      let ends: ChildLine[];
      if (scenario === 'rival-while-running') {
        const gateFile = join(dir, 'rival-tried');
        const owner = child('owner', { ...config, gateFile }, command);
        await owner.started;
        const rival = child('rival', { ...config, gateFile }, command);
        ends = [...(await owner.done), ...(await rival.done)];
      } else if (scenario === 'two-forced-resumes-after-crash') {
        const owner = child('owner', { ...config, crashBeforeSend: true }, command);
        await owner.done;
        const forcers = [child('forcer', config, command), child('forcer', config, command)];
        ends = (await Promise.all(forcers.map((forcer) => forcer.done))).flat();
      } else {
        const owner = child('owner', { ...config, crashAfterSend: true }, command);
        await owner.done;
        const resumers = [child('resumer', config, command), child('resumer', config, command)];
        ends = (await Promise.all(resumers.map((resumer) => resumer.done))).flat();
      }
      const ledger = sqliteLedger(config.ledgerPath);
      const sends = [...ledger.counts().values()];
      ledger.close();
      results.push({ ends: ends.filter((line) => line.event === 'end'), sends });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    scenario,
    trials,
    duplicates: results.filter((result) => result.sends.some((count) => count > 1)).length,
    lost: results.filter(
      (result) => result.sends.length !== 1 || !result.ends.some((line) => line.status === 'done'),
    ).length,
    refused: results.reduce(
      (sum, result) =>
        sum +
        result.ends.reduce(
          (count, line) =>
            count + (line.refused === 'checkpoint.lease_held' ? 1 : 0) + (line.refusals ?? 0),
          0,
        ),
      0,
    ),
    results,
  };
}
