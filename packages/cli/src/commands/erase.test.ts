import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '@agentchart/core';
import { SqliteResponseCacheStore } from '@agentchart/core/cache';
import { emptyUsage } from '@agentchart/core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

const agentModule = fileURLToPath(new URL('./__fixtures__/refund-agent.ts', import.meta.url));

let dir: string;
let database: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-erase-'));
  database = join(dir, 'runs.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = memoryContext({ cwd: dir, env: { AGENTCHART_DB: database } });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

const threadIds = async () =>
  (JSON.parse((await cli(['runs', '--json'])).stdout) as { threadId: string }[])
    .map((thread) => thread.threadId)
    .sort();

/** A thread stored with its checkpoint only (no journal, no run log row), as a start leaves it. */
async function storeQuietThread(threadId: string, tenantId: string): Promise<void> {
  const checkpointer = new SqliteCheckpointer({ path: database });
  try {
    await checkpointer.save({
      threadId,
      version: 1,
      machineVersion: 'm1',
      snapshot: { status: 'active', value: 'working', context: {} },
      run: {
        status: 'waiting',
        input: {},
        startedAt: 1,
        occurrences: {},
        usage: emptyUsage(),
        tenantId,
      },
      createdAt: 1,
    });
  } finally {
    checkpointer.close();
  }
}

describe('agentchart erase', () => {
  it('erases the threads given, a waiting one too, and a reply to it later finds no thread', async () => {
    const run = (thread: string, amount: number) =>
      cli([
        'run',
        agentModule,
        '--input',
        `{"ticket":"${thread}","amount":${amount}}`,
        '--thread',
        thread,
      ]);
    expect((await run('paid', 1)).exitCode).toBe(0);
    expect((await run('asks', 900)).exitCode).toBe(3);
    expect((await run('kept', 1)).exitCode).toBe(0);

    const dry = await cli(['erase', '--thread', 'paid', '--thread', 'asks', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(
      /^Would erase 2 threads from .*runs\.db: \d+ checkpoints, \d+ journal entries/,
    );
    expect(await threadIds()).toEqual(['asks', 'kept', 'paid']);

    const erased = await cli(['erase', '-t', 'paid', '-t', 'asks', '-t', 'typo', '--json']);
    expect(erased.exitCode).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({
      threadIds: ['asks', 'paid', 'typo'],
      threads: 2,
      dryRun: false,
      notFound: ['typo'],
    });
    expect(await threadIds()).toEqual(['kept']);
    // Before: "Erased 2 threads … 1 journal entries", the id with nothing stored counted in.
    const text = await cli(['erase', '--thread', 'kept', '--thread', 'typo']);
    expect(text.stdout).toMatch(/^Erased 1 thread from \S+: \d+ checkpoints, \d+ journal entries/);
    expect(text.stdout).toContain('\n  kept\nNothing is stored under "typo".\n');
    const reply = await cli([
      'send',
      'asks',
      '--reply',
      '{"approved":true}',
      '--agent',
      agentModule,
    ]);
    expect(reply.exitCode).toBe(2);
    expect(reply.stderr).toMatch(/^agentchart: No thread "asks" in \S*runs\.db/);
  });

  it('refuses a thread a live run holds, erasing nothing, with the busy exit code', async () => {
    const checkpointer = new SqliteCheckpointer({ path: database });
    try {
      await checkpointer.save({
        threadId: 'live',
        version: 1,
        machineVersion: 'm1',
        snapshot: { status: 'active', value: 'working', context: {} },
        run: { status: 'running', input: {}, startedAt: 1, occurrences: {}, usage: emptyUsage() },
        createdAt: 1,
      });
      await checkpointer.acquireLease('live', { owner: 'run-1', ttlMs: 600_000, now: Date.now() });
    } finally {
      checkpointer.close();
    }
    const refused = await cli(['erase', '--thread', 'live']);
    expect(refused.exitCode).toBe(5);
    expect(refused.stderr).toMatch(
      /^agentchart: Not erased: a live run holds the lease of thread "live" \(run "run-1"/,
    );
    expect(refused.stderr).toContain('Nothing was erased');
    expect(await threadIds()).toEqual(['live']);
  });

  it("erases a tenant's threads, one with no run log rows too, and its cached answers, and no other tenant's", async () => {
    expect(
      (
        await cli([
          'run',
          agentModule,
          '--input',
          '{"ticket":"a","amount":1}',
          '--thread',
          'acme-run',
          '--tenant',
          'acme',
        ])
      ).exitCode,
    ).toBe(0);
    await storeQuietThread('acme-quiet', 'acme');
    await storeQuietThread('globex-quiet', 'globex');
    const cache = new SqliteResponseCacheStore({ path: database });
    const entry = { model: 'm', storedAt: 1, expiresAt: Number.MAX_SAFE_INTEGER };
    const response = { content: 'x', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 } };
    for (const partition of ['acme', 'globex']) {
      await cache.set(partition, { ...entry, response: response as never, partition });
    }
    cache.close();

    // A cache file named wrongly is refused before anything is erased.
    const wrongCache = await cli(['erase', '--tenant', 'acme', '--cache', 'nowhere.db']);
    expect(wrongCache.exitCode).toBe(2);
    expect(wrongCache.stderr).toContain('No response cache at');
    expect(await threadIds()).toEqual(['acme-quiet', 'acme-run', 'globex-quiet']);
    const dry = await cli(['erase', '--tenant', 'acme', '--dry-run']);
    expect(dry.stdout).toContain('Would erase 2 threads of tenant "acme"');
    expect(dry.stdout).toContain('Would erase 1 response cache entry of tenant "acme".');
    const erased = await cli(['erase', '--tenant', 'acme', '--json']);
    expect(erased.exitCode).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({
      tenant: 'acme',
      threadIds: ['acme-quiet', 'acme-run'],
      cacheEntries: 1,
    });
    expect(await threadIds()).toEqual(['globex-quiet']);
    const left = new SqliteResponseCacheStore({ path: database });
    expect(await left.get('globex')).toBeDefined();
    expect(await left.get('acme')).toBeUndefined();
    left.close();
    const none = await cli(['erase', '--tenant', 'acme']);
    expect(none.stdout).toContain('Tenant "acme" has no threads in');
    expect(none.stdout).toContain('Erased 0 response cache entries of tenant "acme".');
  });

  it('refuses to erase without being told what', async () => {
    for (const [args, message] of [
      [[], 'erase needs --thread <id> (one or more) or --tenant <id>, and got neither'],
      [['--thread', 'a', '--tenant', 'b'], 'not both'],
      [['--thread', 'a', '--cache', 'c.db'], '--cache goes with --tenant'],
      [['--thread', 'a', '--batch-size', '0'], '--batch-size takes a positive whole number'],
      [['a'], 'takes its threads as --thread <id>, got "a"'],
      [['--thread', 'a', '--jobs'], '--jobs and --job-schema need a PostgreSQL run database'],
    ] as const) {
      const result = await cli(['erase', ...args]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });
});
