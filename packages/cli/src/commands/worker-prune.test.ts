import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgent, type RunStatus, SqliteCheckpointer } from '@agentchart/core';
import { emptyUsage } from '@agentchart/core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { runCli } from '../cli';
import { memoryContext } from '../testing';
import { LocalWorker } from '../worker/local-worker';
import { control } from './__fixtures__/refund-agent';

const agentModule = fileURLToPath(new URL('./__fixtures__/refund-agent.ts', import.meta.url));

let dir: string;
let database: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-worker-'));
  database = join(dir, 'runs.db');
  control.latencyMs = 0;
  control.clockAheadMs = 0;
  control.paid.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = memoryContext({ cwd: dir, env });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

const reminder = setup({}).createMachine({
  id: 'reminder',
  initial: 'sleeping',
  states: { sleeping: { after: { 6000: 'reminded' } }, reminded: { type: 'final' } },
});

describe('LocalWorker', () => {
  it('wakes a thread whose after-timer fell due while no process held it (issue 15)', async () => {
    let now = 1_000_000;
    const clock = {
      now: () => now,
      setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    };
    const first = new SqliteCheckpointer({ path: database });
    const before = createAgent({ machine: reminder, checkpointer: first, clock });
    expect((await before.start({ threadId: 'r', input: {} }).result()).status).toBe('waiting');
    await before.close();
    first.close();

    // A later process: nothing holds the thread, and its 6 s timer fell due meanwhile.
    const checkpointer = new SqliteCheckpointer({ path: database });
    const agent = createAgent({ machine: reminder, checkpointer, clock, evictWaiting: true });
    const woken: string[] = [];
    const worker = new LocalWorker({
      checkpointer,
      agents: new Map([['reminder', agent]]),
      concurrency: 4,
      now: () => now,
      onOutcome: (threadId, reason, outcome) =>
        woken.push(`${threadId} ${reason} ${outcome.status}`),
    });
    expect(await worker.tick()).toBe(0);
    now += 6_000;
    expect(await worker.tick()).toBe(1);
    await worker.idle({ timeoutMs: 10_000 });
    await worker.close();
    expect(woken).toEqual(['r due done']);
    expect((await checkpointer.latest('r'))?.run.status).toBe('done');
    checkpointer.close();
  });
});

describe('agentchart worker --once', () => {
  it('resumes a thread a stopped process left running, with the agent its checkpoint names', async () => {
    const { refunds } = await import('./__fixtures__/refund-agent');
    const checkpointer = new SqliteCheckpointer({ path: database });
    control.latencyMs = 60_000;
    const first = refunds.create({ checkpointer });
    first.start({ threadId: 'o', input: { ticket: 't-1', amount: 10 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.close({ timeoutMs: 0 });
    checkpointer.close();
    control.latencyMs = 0;

    const runs = await cli(['runs', '--db', database]);
    expect(runs.stdout).toMatch(/o\s+running \(owner gone\)/);
    expect(runs.stdout).toContain(`agentchart resume o --agent <module> --db ${database}`);
    const result = await cli(['worker', '--once', '--agent', agentModule, '--db', database]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('o  woken (orphaned) → done\n');
    expect(control.paid).toEqual([{ ticket: 't-1', amount: 10 }]);
  });
});

describe('agentchart worker --once wakes everything due', () => {
  it('drives every due thread, --concurrency at a time, not only the first --concurrency of them', async () => {
    const { refunds } = await import('./__fixtures__/refund-agent');
    const checkpointer = new SqliteCheckpointer({ path: database });
    // Asked two hours ago: each approval's one-hour deadline has passed.
    control.clockAheadMs = -7_200_000;
    const first = refunds.create({ checkpointer });
    for (const threadId of ['a', 'b', 'c']) {
      expect((await first.run({ threadId, input: { ticket: threadId, amount: 900 } })).status).toBe(
        'waiting',
      );
    }
    await first.close();
    checkpointer.close();
    control.clockAheadMs = 0;

    const result = await cli([
      'worker',
      '--once',
      '--concurrency',
      '1',
      '--agent',
      agentModule,
      '--db',
      database,
    ]);
    expect(result.exitCode).toBe(0);
    // Was "a  woken (due) → done" alone: one look started as many as --concurrency, and the
    // others stayed due until the next --once.
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'a  woken (due) → done',
      'b  woken (due) → done',
      'c  woken (due) → done',
    ]);
    const waits = await cli(['waits', '--db', database]);
    expect(waits.stdout).toContain('No human waits pending');
  });
});

describe('agentchart worker --once says why', () => {
  it('prints the error of a thread it woke that failed, not only "failed"', async () => {
    const { brokenReminder } = await import('./__fixtures__/broken-timer-agent');
    const checkpointer = new SqliteCheckpointer({ path: database });
    // Started a minute ago: its 6 s timer is due.
    const clock = {
      now: () => Date.now() - 60_000,
      setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    };
    const first = createAgent({ machine: brokenReminder, checkpointer, clock });
    expect((await first.run({ threadId: 'b', input: {} })).status).toBe('waiting');
    await first.close();
    checkpointer.close();
    const module = fileURLToPath(new URL('./__fixtures__/broken-timer-agent.ts', import.meta.url));
    const result = await cli(['worker', '--once', '--agent', module, '--db', database]);
    expect(result.exitCode).toBe(0);
    // Was "b  woken (due) → failed", with the reason nowhere on the worker's output.
    expect(result.stdout).toMatch(/^b {2}woken \(due\) → failed: .*the reminder service is gone/);
  });
});

describe('agentchart worker and waits print thread ids as text', () => {
  it('writes a thread id holding a C1 control or a bidirectional override visibly', async () => {
    // Before: the id reached the terminal as it was (a one-byte CSI recolours it, U+202E
    // reverses what follows).
    const threadId = 'o\u009b31m\u202e';
    const { refunds } = await import('./__fixtures__/refund-agent');
    const checkpointer = new SqliteCheckpointer({ path: database });
    control.latencyMs = 60_000;
    const first = refunds.create({ checkpointer });
    first.start({ threadId, input: { ticket: 't-2', amount: 10 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.close({ timeoutMs: 0 });
    control.latencyMs = 0;
    const waiting = refunds.create({ checkpointer });
    await waiting.run({ threadId: `w\u009b`, input: { ticket: 't-3', amount: 900 } });
    await waiting.close();
    checkpointer.close();

    const worker = await cli(['worker', '--once', '--agent', agentModule, '--db', database]);
    expect(worker.stdout).toBe('o\\u009b31m\\u202e  woken (orphaned) → done\n');
    const waits = await cli(['waits', '--db', database]);
    expect(waits.stdout).toContain("agentchart send 'w\\u009b'");
    expect(`${worker.stdout}${waits.stdout}`).not.toContain('\u009b');
    expect(`${worker.stdout}${waits.stdout}`).not.toContain('\u202e');
  });
});

describe('agentchart prune', () => {
  it('deletes ended threads older than the duration, leaves the rest, and refuses live statuses', async () => {
    const env = { AGENTCHART_DB: database };
    await cli(['run', agentModule, '--input', '{"ticket":"a","amount":1}', '--thread', 'old'], env);
    await cli(
      ['run', agentModule, '--input', '{"ticket":"b","amount":900}', '--thread', 'waits'],
      env,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const dry = await cli(['prune', '--older-than', '10ms', '--dry-run'], env);
    expect(dry.stdout).toMatch(/^Would delete 1 threads \(done, failed, limit, stopped\)/);
    const pruned = await cli(['prune', '--older-than', '10ms', '--json'], env);
    expect(pruned.exitCode).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ threads: 1, batches: 1 });
    const left = JSON.parse((await cli(['runs', '--json'], env)).stdout) as { threadId: string }[];
    expect(left.map((thread) => thread.threadId)).toEqual(['waits']);
    const refused = await cli(['prune', '--older-than', '1d', '--status', 'waiting'], env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('is live and is never pruned');
    const noAge = await cli(['prune'], env);
    expect(noAge.exitCode).toBe(2);
    expect(noAge.stderr).toContain('never deletes without an age');
    // Was an "unexpected error" with a stack trace, exit 1.
    const tooOld = await cli(['prune', '--older-than', '99999999w'], env);
    expect(tooOld.exitCode).toBe(2);
    expect(tooOld.stderr).toContain('--older-than is 99999999w, longer than a time can be');
  });

  it("keeps a child agent's ended thread while its parent runs, and counts it out of --dry-run too", async () => {
    const checkpointer = new SqliteCheckpointer({ path: database });
    const stored = (threadId: string, status: RunStatus, parentThreadId?: string) =>
      checkpointer.save({
        threadId,
        version: 1,
        machineVersion: 'm1',
        snapshot: { status: 'active', value: 'working', context: {} },
        run: {
          status,
          input: {},
          startedAt: 1,
          occurrences: {},
          usage: emptyUsage(),
          ...(parentThreadId === undefined ? {} : { parentThreadId }),
        },
        createdAt: 1,
      });
    // The parent died after its child ended, before it journaled the child's outcome.
    await stored('p', 'running');
    await stored('p/0.billing.invoicing#0', 'done', 'p');
    await stored('q', 'done');
    await stored('q/0.billing.invoicing#0', 'done', 'q');
    checkpointer.close();
    const env = { AGENTCHART_DB: database };
    // Before: 3, and prune deleted p's child, which p's resume then ran again from the start.
    const dry = await cli(['prune', '--older-than', '1d', '--dry-run'], env);
    expect(dry.stdout).toMatch(/^Would delete 2 threads/);
    const pruned = await cli(['prune', '--older-than', '1d', '--json'], env);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ threads: 2 });
    const left = JSON.parse((await cli(['runs', '--json'], env)).stdout) as { threadId: string }[];
    expect(left.map((thread) => thread.threadId).sort()).toEqual(['p', 'p/0.billing.invoicing#0']);
  });

  it('refuses a worker retention that deletes each thread as it ends, and an interval no timer keeps', async () => {
    await cli(['run', agentModule, '--input', '{"ticket":"a","amount":1}', '--thread', 'kept'], {
      AGENTCHART_DB: database,
    });
    // `--retain 0s` deleted every ended thread; `--interval 0s` looked every 0 ms.
    for (const [flag, value, message] of [
      ['--retain', '0s', '--retain is 0s; give at least 1m'],
      ['--retain', '0.0001ms', '--retain is 0.0001ms; give at least 1m'],
      ['--interval', '0s', '--interval is 0s; give at least 10ms'],
      [
        '--interval',
        '99999w',
        '--interval is 99999w, longer than 2147483647ms, the longest a timer waits',
      ],
      // Ignored on SQLite, and read as 16.
      ['--tenant-concurrency', '2', '--tenant-concurrency needs a PostgreSQL run database'],
      ['--query-timeout', '5s', '--query-timeout needs a PostgreSQL run database'],
      ['--query-timeout', '10ms', '--query-timeout is 10ms; give at least 100ms'],
      ['--concurrency', '0x10', '--concurrency takes a positive whole number, got "0x10"'],
    ] as const) {
      const result = await cli([
        'worker',
        '--once',
        '--agent',
        agentModule,
        '--db',
        database,
        flag,
        value,
      ]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(message);
    }
    const runs = JSON.parse((await cli(['runs', '--db', database, '--json'])).stdout) as {
      threadId: string;
    }[];
    expect(runs.map((thread) => thread.threadId)).toEqual(['kept']);
  });
});
