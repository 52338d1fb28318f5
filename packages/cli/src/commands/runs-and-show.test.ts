import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCheckpointer } from '@agentchart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineModels } from '../../../../examples/tender-pipeline/src/models';
import { runBatch } from '../../../../examples/tender-pipeline/src/run-batch';
import { sampleTenders } from '../../../../examples/tender-pipeline/src/tenders';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

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
    expect(stdout).toMatch(/^thread\s+status\s+version\s+updated/);
    expect(stdout).toMatch(/b:T-101\s+done/);
    expect(stdout).toMatch(/b:T-102\s+done/);
    expect((await cli('runs', '--db', database, '--status', 'waiting')).stdout).toContain(
      'No threads in status waiting',
    );
  });

  it('refuses a missing database and an unknown status with exit code 2', async () => {
    const missing = await cli('runs', '--db', 'nope.db');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('No run database at');
    expect((await cli('runs', '--db', database, '--status', 'sleeping')).exitCode).toBe(2);
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

  it('says which threads exist when the id is unknown', async () => {
    const { exitCode, stderr } = await cli('show', 'b:T-999', '--db', database);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('agentchart runs');
  });
});
