import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createThreadJobs } from '@agentchart/postgres';
import {
  postgresBinDir,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '@agentchart/postgres/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli';
import { serveStudio } from '../studio/serve-studio';
import type { RunDetail, RunPage } from '../studio/types';
import { memoryContext } from '../testing';
import { control } from './__fixtures__/refund-agent';

const agentModule = fileURLToPath(new URL('./__fixtures__/refund-agent.ts', import.meta.url));

let postgres: ThrowawayPostgres;
beforeAll(async () => {
  postgres = await startThrowawayPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

async function cli(args: readonly string[], env: Record<string, string> = {}) {
  const io = memoryContext({
    env: { AGENTCHART_DB: postgres.connectionString, AGENTCHART_AGENT: agentModule, ...env },
  });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('the CLI on a PostgreSQL run database (AGENTCHART_DB=postgres://…)', () => {
  it('runs, lists, shows, answers and prunes threads there', async () => {
    control.paid.length = 0;
    const started = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"p","amount":700}',
      '--thread',
      'pg-1',
      '--json',
    ]);
    expect(started.exitCode).toBe(3);
    expect(JSON.parse(started.stdout)).toMatchObject({ status: 'waiting', threadId: 'pg-1' });
    expect((await cli(['runs'])).stdout).toMatch(/pg-1\s+waiting/);
    const listed = await cli(['waits', '--json']);
    if (listed.exitCode !== 0) throw new Error(listed.stderr);
    const [wait] = JSON.parse(listed.stdout) as { waitId: string }[];
    expect(wait?.waitId).toContain('approving');
    const answered = await cli(['send', 'pg-1', '--reply', '{"approved":true}']);
    if (answered.exitCode !== 0) throw new Error(answered.stderr);
    expect(answered.exitCode).toBe(0);
    expect(control.paid).toEqual([{ ticket: 'p', amount: 700 }]);
    const shown = JSON.parse((await cli(['show', 'pg-1', '--json'])).stdout);
    expect(shown).toMatchObject({ threadId: 'pg-1', run: { status: 'done', agent: 'refunds' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(
      JSON.parse((await cli(['prune', '--older-than', '10ms', '--json'])).stdout),
    ).toMatchObject({
      threads: 1,
    });
    expect((await cli(['runs'])).stdout).toContain('No threads');
  }, 60_000);

  it("erases a tenant's threads there, and with --jobs their job rows", async () => {
    const started = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"e","amount":700}',
      '--thread',
      'pg-erase',
      '--tenant',
      'erasing-co',
    ]);
    expect(started.exitCode).toBe(3);
    // A job a client queued for the thread holds its reply.
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const queue = await createThreadJobs({ connectionString: postgres.connectionString });
    try {
      await queue.jobs.reply('refunds', {
        threadId: 'pg-erase',
        waitId: 'w',
        value: { approved: true },
      });
    } finally {
      await queue.close();
      warn.mockRestore();
    }
    const dry = await cli(['erase', '--tenant', 'erasing-co', '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ threadIds: ['pg-erase'], dryRun: true });
    const erased = await cli(['erase', '--tenant', 'erasing-co', '--jobs', '--json']);
    if (erased.exitCode !== 0) throw new Error(erased.stderr);
    expect(JSON.parse(erased.stdout)).toMatchObject({
      tenant: 'erasing-co',
      threadIds: ['pg-erase'],
      threads: 1,
      jobRows: 1,
    });
    expect((await cli(['runs', '--thread', 'pg-erase', '--json'])).stdout).toBe('[]\n');
    const sent = await cli(['send', 'pg-erase', '--reply', '{"approved":true}']);
    expect(sent.exitCode).toBe(2);
    expect(sent.stderr).toContain('No thread "pg-erase"');
  });

  it('refuses to erase, deleting nothing, while a worker does a start job of the thread: the start would store it again (exit 5)', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const queue = await createThreadJobs({ connectionString: postgres.connectionString });
    const sql = (statement: string) =>
      execFileSync(join(postgresBinDir, 'psql'), [postgres.connectionString, '-tAc', statement], {
        encoding: 'utf8',
      }).trim();
    try {
      const jobId = await queue.jobs.start('refunds', {
        threadId: 'pg-erase-taken',
        input: { ticket: 't', amount: 5 },
      });
      // A worker took it (pg-boss's fetch marks it so) and has not stored the thread yet.
      sql(`UPDATE agentchart_jobs.job SET state = 'active' WHERE id = '${jobId}'`);
      const refused = await cli(['erase', '--thread', 'pg-erase-taken', '--jobs']);
      expect(refused.exitCode).toBe(5);
      expect(refused.stderr).toContain(`a worker is doing job ${jobId} (start)`);
      expect(sql(`SELECT state FROM agentchart_jobs.job WHERE id = '${jobId}'`)).toBe('active');
      // Once the job has ended, the erase goes through, its rows with it.
      sql(`UPDATE agentchart_jobs.job SET state = 'completed' WHERE id = '${jobId}'`);
      const erased = await cli(['erase', '--thread', 'pg-erase-taken', '--jobs', '--json']);
      if (erased.exitCode !== 0) throw new Error(erased.stderr);
      expect(JSON.parse(erased.stdout)).toMatchObject({ jobRows: 1 });
    } finally {
      await queue.close();
      warn.mockRestore();
    }
  });

  it('reaches threads in a schema of their own with --schema, or AGENTCHART_SCHEMA (issue: no way to name it)', async () => {
    control.paid.length = 0;
    const inOps = ['--schema', 'ops'];
    const started = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"o","amount":300}',
      '--thread',
      'ops-1',
      '--json',
      ...inOps,
    ]);
    expect(started.exitCode).toBe(3);
    const runs = await cli(['runs', ...inOps]);
    expect(runs.stdout).toMatch(/ops-1\s+waiting/);
    expect((await cli(['runs'])).stdout).not.toContain('ops-1');
    const waits = await cli(['waits', '--json', ...inOps]);
    expect(waits.exitCode).toBe(0);
    expect(JSON.parse(waits.stdout)).toEqual([expect.objectContaining({ threadId: 'ops-1' })]);
    const shown = await cli(['show', 'ops-1', '--json', ...inOps]);
    expect(shown.exitCode).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      threadId: 'ops-1',
      run: { status: 'waiting', agent: 'refunds' },
    });
    expect((await cli(['show', 'ops-1'], { AGENTCHART_SCHEMA: 'ops' })).exitCode).toBe(0);
    expect((await cli(['show', 'ops-1'])).stderr).toContain('No thread "ops-1"');
    // The studio takes the flag too.
    const { context } = memoryContext({ env: { AGENTCHART_DB: postgres.connectionString } });
    const studio = await serveStudio({ schema: 'ops', port: 0, context });
    try {
      const page = (await (await fetch(new URL('/api/runs', studio.url))).json()) as RunPage;
      expect(page.runs.map((run) => run.threadId)).toContain('ops-1');
    } finally {
      await studio.close();
    }
  }, 60_000);

  it('creates no tables when reading a database or schema that has none (issue: runs ran DDL)', async () => {
    const sql = (url: string, statement: string) =>
      execFileSync(join(postgresBinDir, 'psql'), [url, '-tAc', statement], {
        encoding: 'utf8',
      }).trim();
    sql(postgres.connectionString, 'CREATE DATABASE elsewhere');
    const elsewhere = postgres.connectionString.replace(/\/postgres$/, '/elsewhere');
    for (const [db, ...args] of [
      [elsewhere, 'runs'],
      [elsewhere, 'waits'],
      [elsewhere, 'show', 't-1'],
      [postgres.connectionString, 'runs', '--schema', 'typo'],
    ] as const) {
      const read = await cli(args, { AGENTCHART_DB: db });
      expect(read.exitCode).toBe(1);
      expect(read.stderr).toContain('has no agentchart tables in schema');
      expect(read.stderr).not.toContain('unexpected error');
    }
    expect(
      sql(
        elsewhere,
        "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
      ),
    ).toBe('0');
    expect(
      sql(postgres.connectionString, "SELECT count(*) FROM pg_namespace WHERE nspname = 'typo'"),
    ).toBe('0');
  }, 60_000);

  it('shows its runs in the studio, which answers a wait through the agent factory', async () => {
    control.paid.length = 0;
    const started = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"s","amount":900}',
      '--thread',
      'pg-studio',
      '--json',
    ]);
    expect(started.exitCode).toBe(3);
    const { context } = memoryContext({
      env: { AGENTCHART_DB: postgres.connectionString, AGENTCHART_AGENT: agentModule },
    });
    const studio = await serveStudio({ modules: [agentModule], port: 0, context });
    try {
      const api = async <T>(path: string, init?: RequestInit) =>
        (await (await fetch(new URL(path, studio.url), init)).json()) as T;
      const page = await api<RunPage>('/api/runs');
      expect(page.runs.find((run) => run.threadId === 'pg-studio')).toMatchObject({
        status: 'waiting',
        agent: 'refunds',
      });
      const detail = await api<RunDetail>('/api/runs/pg-studio');
      expect(detail.waits).toHaveLength(1);
      expect(detail.canReply).toBe(true);
      const reply = await fetch(new URL('/api/runs/pg-studio/reply', studio.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: { approved: true } }),
      });
      expect(reply.status).toBe(202);
      await expect
        .poll(async () => (await api<RunDetail>('/api/runs/pg-studio')).summary.status, {
          timeout: 15_000,
        })
        .toBe('done');
      expect(control.paid).toEqual([{ ticket: 's', amount: 900 }]);
    } finally {
      await studio.close();
    }
  }, 60_000);
});
