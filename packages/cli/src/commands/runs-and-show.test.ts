import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { createAgent, SqliteCheckpointer } from '@agentchart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { pipelineModels } from '../../../../examples/tender-pipeline/src/models';
import { runBatch } from '../../../../examples/tender-pipeline/src/run-batch';
import { sampleTenders } from '../../../../examples/tender-pipeline/src/tenders';
import { runCli } from '../cli';
import { memoryContext, shiftedClock } from '../testing';
import { formatTime } from './open-store';

let dir: string;
let database: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-'));
  database = join(dir, 'runs.db');
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  const models = await pipelineModels({ DEMO_LATENCY_MS: '0' });
  await runBatch({ tenders: sampleTenders.slice(0, 2), models, checkpointer, batchId: 'b' });
  checkpointer.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryContext({ cwd: dir });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('agentchart runs', () => {
  it('lists the threads of a run database with their status', async () => {
    const { exitCode, stdout } = await cli('runs', '--db', database);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(
      /^thread\s+status\s+agent\s+tenant\s+effects\s+calls\s+tokens\s+cost\s+errors\s+updated/,
    );
    expect(stdout).toMatch(/b:T-101\s+done\s+tenderPipeline\s+7\s+5\s/);
    expect(stdout).toMatch(/b:T-102\s+done\s+tenderPipeline\s+1\s+1\s/);
    expect((await cli('runs', '--db', database, '--status', 'waiting')).stdout).toContain(
      'No threads matching the filters',
    );
  });

  it('refuses a missing database and an unknown status with exit code 2', async () => {
    const missing = await cli('runs', '--db', 'nope.db');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('No run database at');
    expect((await cli('runs', '--db', database, '--status', 'sleeping')).exitCode).toBe(2);
  });

  it('exits 2 for a database path that is a directory, as the other commands do', async () => {
    // `runs`, `show` and `studio` exited 1 here; `run`, `waits`, `prune` and `worker` 2.
    for (const command of [['runs'], ['show', 'x']]) {
      const result = await cli(...command, '--db', dir);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('is a directory, not a database file');
    }
  });

  it('refuses an empty file as a run database in every command, and leaves it empty', async () => {
    // `runs` refused it (exit 1); `waits` said nothing was pending (exit 0), and
    // every command that opens the database to write made one in it.
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    for (const command of [
      ['runs'],
      ['show', 'x'],
      ['waits'],
      ['prune', '--older-than', '30d', '--dry-run'],
    ]) {
      const result = await cli(...command, '--db', empty);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/empty/);
    }
    expect(statSync(empty).size).toBe(0);
  });

  it('names the flag meant when one is misspelt', async () => {
    const result = await cli('runs', '--db', database, '--stauts', 'done');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("Unknown option '--stauts'. Did you mean --status?");
  });

  it('says how to give a thread id that begins with "-": after "--", or joined to --thread with "="', async () => {
    // Node's remedy was cut off ("Unknown option '-7'."), and for `-7x` it named `-7`.
    for (const command of ['show', 'resume', 'send']) {
      const result = await cli(command, '--db', database, '-7x');
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(
        `If "-7x" is a thread id, give it after "--", which ends the options: agentchart ${command} [options] -- -7x.`,
      );
    }
    // After "--" it is the thread id.
    const shown = await cli('show', '--db', database, '--', '-7x');
    expect(shown.stderr).toContain(`No thread "-7x" in ${database}`);
    expect((await cli('show', '--db', database, '--', 'b:T-101')).exitCode).toBe(0);
    for (const flag of ['--thread', '-t']) {
      const result = await cli('waits', '--db', database, flag, '-7x');
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('If "-7x" is its value, join them with "=": --thread=-7x.');
    }
    expect((await cli('waits', '--db', database, '--thread=-7x')).stderr).toContain(
      'No thread "-7x"',
    );
  });

  it('refuses a time with no unit, a window that ends before it starts, and a limit not in decimal', async () => {
    // `5` was read as a day in 2001; the reversed window listed nothing; 0x10 was read as 16.
    const cases: [string[], string][] = [
      [['--since', '5'], '--since "5" is not a time'],
      [['--since', '1d', '--until', '2d'], '--since 1d is after --until 2d'],
      [['--limit', '0x10'], '--limit "0x10" is not a number of threads'],
      [['--limit', '1e1'], '--limit "1e1" is not a number of threads'],
      // Each dropped its filter and listed every thread.
      [['--thread', ''], '--thread is empty'],
      [['--since', '9999999999w'], '--since 9999999999w reaches back before 1970'],
    ];
    for (const [flags, message] of cases) {
      const result = await cli('runs', '--db', database, ...flags);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it('lists a thread and its child agents with --family, not a thread whose id merely begins with it (issue: --thread acme-1 listed acme-10)', async () => {
    const family = join(dir, 'family.db');
    const store = new SqliteCheckpointer({ path: family });
    for (const [at, threadId] of ['acme-1', 'acme-1/0.delegating#0', 'acme-10'].entries()) {
      await store.save({
        threadId,
        version: 1,
        machineVersion: 'm1',
        snapshot: { status: 'active', value: 'working', context: {} },
        run: {
          status: 'waiting',
          input: {},
          startedAt: at,
          occurrences: {},
          usage: {
            inputTokens: 0,
            outputTokens: 0,
            costUsd: 0,
            modelCalls: 0,
            toolCalls: 0,
            steps: 0,
          },
        },
        delayedEvents: [],
        createdAt: 1_700_000_000_000 + at,
      });
    }
    store.close();
    const listed = async (...flags: string[]) =>
      JSON.parse((await cli('runs', '--db', family, '--json', ...flags)).stdout).map(
        (run: { threadId: string }) => run.threadId,
      );
    expect(await listed('--family', 'acme-1')).toEqual(['acme-1/0.delegating#0', 'acme-1']);
    // --thread stays a prefix, for batches.
    expect(await listed('--thread', 'acme-1')).toEqual([
      'acme-10',
      'acme-1/0.delegating#0',
      'acme-1',
    ]);
    expect((await cli('runs', '--db', family, '--family', '')).stderr).toContain(
      '--family is empty; give a thread id',
    );
  });

  it('refuses a database that looks like a URL but names none, instead of making a file of it', async () => {
    // `postgres:` without `//` became an SQLite file named "postgres:" in the working folder.
    for (const given of ['postgres:localhost/app', 'mysql://db/app']) {
      const result = await cli('runs', '--db', given);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`The run database "${given}" looks like a URL`);
    }
    expect(readdirSync(dir).filter((name) => name.includes(':'))).toEqual([]);
  });
});

describe('agentchart show', () => {
  it("prints a thread's state, usage and every journaled effect", async () => {
    const { exitCode, stdout } = await cli('show', 'b:T-101', '--db', database);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('state    "bidReady"');
    expect(stdout).toMatch(/usage\s+5 model calls/);
    expect(stdout).toMatch(/filter#0\/0:llm\s+llm\s+demo-classifier\s+completed/);
    expect(stdout).toMatch(/research#0\/\d:tool:buyer_history\s+tool\s+buyer_history\s+completed/);
  });

  it('says when a resting thread next wakes, and that a time gone by waits for a worker', async () => {
    const timers = join(dir, 'timers.db');
    const checkpointer = new SqliteCheckpointer({ path: timers, synchronous: 'normal' });
    const machine = createMachine({
      id: 'reminder',
      initial: 'later',
      states: { later: { after: { 3600000: 'done' } }, done: { type: 'final' } },
    });
    for (const [threadId, aheadMs] of [
      ['soon', 0],
      ['overdue', -2 * 3_600_000],
    ] as const) {
      const clock = shiftedClock(aheadMs);
      const agent = createAgent({ machine, checkpointer, clock });
      expect((await agent.run({ threadId, input: undefined })).status).toBe('waiting');
      await agent.close();
    }
    const wakeAt = async (threadId: string) => (await checkpointer.latest(threadId))!.wakeAt!;
    const soon = await wakeAt('soon');
    const overdue = await wakeAt('overdue');
    checkpointer.close();
    // Before: neither said a word of the timer; a thread due two hours ago looked like any other.
    expect((await cli('show', 'soon', '--db', timers)).stdout).toContain(
      `wakes    ${formatTime(soon)} (its next timer or wait deadline)`,
    );
    expect((await cli('show', 'overdue', '--db', timers)).stdout).toContain(
      `wakes    ${formatTime(overdue)}, due now: a running "agentchart worker"`,
    );
  });

  it('says which threads exist when the id is unknown', async () => {
    const { exitCode, stderr } = await cli('show', 'b:T-999', '--db', database);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('agentchart runs');
  });
});

describe('agentchart runs and show, on hostile or broken databases', () => {
  // Control characters a terminal acts on; a plain \n between rows is the CLI's own.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
  const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  const hostileIds = [
    'retitle\u001b]0;owned\u0007',
    'clear\u001b[2J\u001b[H',
    'spoof\nfake-thread  done     1        2020-01-01T00:00:00.000Z',
    'c1\u009b31mred',
    'rtl\u202eenod',
  ];
  let hostile: string;

  beforeAll(async () => {
    hostile = join(dir, 'hostile.db');
    const store = new SqliteCheckpointer({ path: hostile });
    for (const [index, threadId] of hostileIds.entries()) {
      await store.save({
        threadId,
        version: 1,
        machineVersion: 'm\u001b[31m1',
        snapshot: { value: 'state\u001b[5m' },
        run: {
          status: 'failed',
          input: null,
          startedAt: 0,
          occurrences: {},
          usage: {
            inputTokens: 0,
            outputTokens: 0,
            costUsd: 0,
            modelCalls: 0,
            toolCalls: 0,
            steps: 1,
          },
          error: { code: 'tool.failed', message: 'boom\n\u001b[0mfake line' },
        },
        createdAt: 1_700_000_000_000 + index,
      });
      await store.putEffect({
        threadId,
        key: 'k\u001b[1m',
        site: 'work',
        kind: 'tool',
        effect: 'unsafe',
        name: 'send\u001b]8;;https://evil.example\u0007',
        status: 'failed',
        startedAt: 1,
        finishedAt: 2,
        error: { name: 'Error', code: 'tool.failed', message: 'boom\n\u001b[0mfake line' },
      });
    }
    store.close();
  });

  it('escapes control characters in thread ids and everything else read from the store (issue 10)', async () => {
    const runs = await cli('runs', '--db', hostile);
    expect(runs.exitCode).toBe(0);
    expect(runs.stdout).not.toMatch(unsafe);
    // One header and one row per thread: a newline in an id cannot add a row.
    expect(runs.stdout.trimEnd().split('\n')).toHaveLength(1 + hostileIds.length);
    expect(runs.stdout).toContain('retitle\\e]0;owned\\u0007');
    expect(runs.stdout).toContain('spoof\\nfake-thread');
    for (const threadId of hostileIds) {
      const show = await cli('show', threadId, '--db', hostile);
      expect(show.exitCode).toBe(0);
      expect(show.stdout).not.toMatch(unsafe);
      expect(show.stdout).toContain('boom\\n\\e[0mfake line');
      expect(show.stdout).toContain('send\\e]8;;https://evil.example\\u0007');
    }
  });

  it('prints none of the 74 characters a terminal acts on raw, whichever a thread id holds (issue 10)', async () => {
    const characters = [
      ...Array.from({ length: 0x20 }, (_, code) => code),
      ...Array.from({ length: 0x21 }, (_, code) => 0x7f + code),
      0x202a,
      0x202b,
      0x202c,
      0x202d,
      0x202e,
      0x2066,
      0x2067,
      0x2068,
      0x2069,
    ].map((code) => String.fromCodePoint(code));
    expect(characters).toHaveLength(74);
    const path = join(dir, 'every-control.db');
    const store = new SqliteCheckpointer({ path });
    for (const [index, character] of characters.entries()) {
      await store.save({
        threadId: `id${character}end`,
        version: 1,
        machineVersion: 'm1',
        snapshot: { value: `state${character}` },
        run: {
          status: 'done',
          input: null,
          startedAt: 0,
          occurrences: {},
          usage: {
            inputTokens: 0,
            outputTokens: 0,
            costUsd: 0,
            modelCalls: 0,
            toolCalls: 0,
            steps: 1,
          },
        },
        createdAt: index,
      });
    }
    store.close();
    const runs = await cli('runs', '--db', path);
    expect(runs.stdout).not.toMatch(unsafe);
    expect(runs.stdout.trimEnd().split('\n')).toHaveLength(1 + characters.length);
    for (const character of characters) {
      const show = await cli('show', `id${character}end`, '--db', path);
      expect(show.exitCode).toBe(0);
      expect(show.stdout + show.stderr).not.toMatch(unsafe);
    }
  });

  it('says why a failed thread failed, from its checkpoint, escaped', async () => {
    const { exitCode, stdout } = await cli('show', hostileIds[0]!, '--db', hostile);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('error    tool.failed: boom\\n\\e[0mfake line\n');
  });

  it('escapes control characters in error messages (issue 10)', async () => {
    const { exitCode, stderr } = await cli('show', 'nope\u001b[2J\nforged', '--db', hostile);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/^agentchart: No thread "nope\\e\[2J\\nforged" in [^\n]+\n$/);
  });

  it.each([
    ['a directory', () => dir, 'is a directory, not a database file'],
    ['/dev/null', () => '/dev/null', 'is a character device, not a database file'],
    [
      'a text file',
      () => {
        const path = join(dir, 'notes.txt');
        writeFileSync(path, 'not a database\n'.repeat(100));
        return path;
      },
      'is not an SQLite database',
    ],
    [
      "another program's SQLite file",
      () => {
        const path = join(dir, 'app.db');
        const db = new DatabaseSync(path);
        db.exec('CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY)');
        db.close();
        return path;
      },
      "is an SQLite database, but not agentchart's",
    ],
    [
      'a corrupt run database',
      () => {
        const path = join(dir, 'corrupt.db');
        copyFileSync(database, path);
        // Garbage over every page but the first: the tables' pages are gone.
        const size = statSync(path).size;
        const fd = openSync(path, 'r+');
        const header = Buffer.alloc(18);
        readSync(fd, header, 0, 18, 0);
        const page = header.readUInt16BE(16);
        writeSync(fd, Buffer.alloc(size - page, 0xa5), 0, size - page, page);
        closeSync(fd);
        return path;
      },
      'as corrupt',
    ],
  ])(
    'prints one line that says what to do for %s, with a non-zero exit code (issue 10)',
    async (_, path, message) => {
      // A path that is no file at all is a usage error (2), as a missing file is; a file that
      // is not a run database, or is damaged, a failure (1).
      const usage = /is a directory|is a character device/.test(message);
      for (const command of [['runs'], ['show', 'b:T-101']]) {
        const { exitCode, stdout, stderr } = await cli(...command, '--db', path());
        expect(exitCode).toBe(usage ? 2 : 1);
        expect(stdout).toBe('');
        expect(stderr).toMatch(/^agentchart: [^\n]+\n$/);
        expect(stderr).toContain(message);
        expect(stderr).not.toMatch(/unexpected error|\bat /);
      }
    },
  );
});

describe.skipIf(process.getuid?.() !== 0)(
  'agentchart runs, show, waits and prune --dry-run on a read-only database',
  () => {
    it('read the file without writing it, as a user who may not write it (issue 10)', () => {
      const readOnlyDir = mkdtempSync(join(tmpdir(), 'agentchart-cli-readonly-'));
      try {
        const path = join(readOnlyDir, 'runs.db');
        copyFileSync(database, path);
        chmodSync(path, 0o444);
        chmodSync(readOnlyDir, 0o755);
        const before = readFileSync(path);
        const bin = fileURLToPath(new URL('../../bin/agentchart.mjs', import.meta.url));
        const asNobody = (...args: string[]) =>
          spawnSync(
            'setpriv',
            ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, bin, ...args],
            { encoding: 'utf8', timeout: 30_000 },
          );
        const runs = asNobody('runs', '--db', path);
        expect({ status: runs.status, stderr: runs.stderr }).toEqual({ status: 0, stderr: '' });
        expect(runs.stdout).toMatch(/b:T-101\s+done\s+tenderPipeline/);
        const show = asNobody('show', 'b:T-101', '--db', path);
        expect({ status: show.status, stderr: show.stderr }).toEqual({ status: 0, stderr: '' });
        expect(show.stdout).toContain('state    "bidReady"');
        const waits = asNobody('waits', '--db', path);
        expect({ status: waits.status, stderr: waits.stderr }).toEqual({ status: 0, stderr: '' });
        expect(waits.stdout).toContain('No human waits pending');
        // Before: prune --dry-run, which deletes nothing, opened the file for writing.
        const dryRun = asNobody('prune', '--older-than', '1d', '--dry-run', '--db', path);
        expect({ status: dryRun.status, stderr: dryRun.stderr }).toEqual({ status: 0, stderr: '' });
        expect(dryRun.stdout).toMatch(/^Would delete \d+ threads/);
        expect(readFileSync(path).equals(before)).toBe(true);
        expect(existsSync(`${path}-wal`)).toBe(false);
      } finally {
        rmSync(readOnlyDir, { recursive: true, force: true });
      }
    });
  },
);
