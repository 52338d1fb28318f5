import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, humanWait, SqliteCheckpointer } from '@agentchart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { runCli } from '../cli';
import { AgentCatalog } from '../studio/agent-catalog';
import { journalRunSource } from '../studio/journal-run-source';
import { memoryContext } from '../testing';

/** A desk question a person can pause (the wait's state is left) and take up again. */
const desk = setup({
  types: { events: {} as { type: 'PAUSE' } | { type: 'RESUME' } },
  actors: { ask: humanWait({ prompt: () => 'Refund?', reply: z.object({ ok: z.boolean() }) }) },
}).createMachine({
  id: 'desk',
  initial: 'asking',
  states: {
    asking: { invoke: { id: 'ask', src: 'ask', onDone: 'done' }, on: { PAUSE: 'paused' } },
    paused: { on: { RESUME: 'asking' } },
    done: { type: 'final' },
  },
});

let dir: string;
let database: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-left-'));
  database = join(dir, 'runs.db');
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  const agent = createAgent({ machine: desk, checkpointer });
  await agent.run({ threadId: 'paused', input: undefined });
  await (await agent.send('paused', { type: 'PAUSE' })).result();
  await agent.run({ threadId: 'resumed', input: undefined });
  await (await agent.send('resumed', { type: 'PAUSE' })).result();
  await (await agent.send('resumed', { type: 'RESUME' })).result();
  await agent.close();
  checkpointer.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryContext({ cwd: dir });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

// A wait whose state the chart left stays `started` in the journal (ADR 0064); `waits`,
// `runs`, `show` and the studio listed it as open, and its reply was refused (run.not_waiting).
describe('a human wait whose state was left', () => {
  it('is not listed by waits, runs or show; the wait asked again is, once', async () => {
    const waits = JSON.parse((await cli('waits', '--db', database, '--json')).stdout) as {
      threadId: string;
      waitId: string;
    }[];
    expect(waits.map((wait) => [wait.threadId, wait.waitId])).toEqual([
      ['resumed', 'ask#1/0:human'],
    ]);
    const runs = (await cli('runs', '--db', database)).stdout;
    expect(runs).toMatch(/paused\s+waiting\s+desk/);
    expect(runs).toMatch(/resumed\s+waiting \(1 open wait\)/);
    const show = (await cli('show', 'paused', '--db', database)).stdout;
    expect(show).toContain('"paused"');
    expect(show).not.toContain('waiting for a human');
  });

  it('is not shown by the studio as pending, nor offered a reply', async () => {
    const checkpointer = new SqliteCheckpointer({ path: database, readOnly: true });
    try {
      const source = journalRunSource({
        store: checkpointer as never,
        catalog: new AgentCatalog(),
        canReply: true,
      });
      expect((await source.getRun('paused'))?.waits).toEqual([]);
      expect((await source.getRun('resumed'))?.waits.map((wait) => wait.waitId)).toEqual([
        'ask#1/0:human',
      ]);
      const { runs } = await source.listRuns({});
      const paused = runs.find((run) => run.threadId === 'paused');
      expect(paused?.waitingFor).toBeUndefined();
    } finally {
      checkpointer.close();
    }
  });
});
