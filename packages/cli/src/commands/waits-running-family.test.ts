import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agentActor,
  createAgent,
  humanWait,
  SqliteCheckpointer,
  structuredCall,
} from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

const done = z.object({ ok: z.boolean() });

/** A child that asks a person, and one that calls the model. */
const asker = setup({
  actors: { ask: humanWait({ prompt: () => 'Pay the vendor?', reply: z.boolean() }) },
}).createMachine({
  id: 'asker',
  initial: 'asking',
  states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
  output: () => ({ ok: true }),
});
const caller = setup({
  actors: { call: structuredCall({ model: 'fast', schema: done, prompt: () => 'Check' }) },
}).createMachine({
  id: 'caller',
  initial: 'calling',
  states: { calling: { invoke: { src: 'call', onDone: 'done' } }, done: { type: 'final' } },
  output: () => ({ ok: true }),
});

/** A lead running both side by side. */
const lead = setup({
  actors: {
    asker: agentActor({ machine: asker, input: z.object({}), output: done }),
    caller: agentActor({ machine: caller, input: z.object({}), output: done }),
  },
}).createMachine({
  id: 'lead',
  type: 'parallel',
  states: {
    asking: { invoke: { id: 'asker', src: 'asker', input: {} } },
    calling: { invoke: { id: 'caller', src: 'caller', input: {} } },
  },
});

let dir: string;
let database: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-running-family-'));
  database = join(dir, 'runs.db');
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  // The caller's model never answers before its process goes: the lead is stored `running`,
  // its asker `waiting`, as a process killed mid-call leaves them.
  const model = scriptedModel({ latencyMs: 60_000, responses: [{ json: { ok: true } }] });
  const agent = createAgent({ machine: lead, models: { fast: model }, checkpointer });
  const handle = agent.start({ threadId: 'lead-1', input: undefined });
  for (let turn = 0; turn < 200 && handle.waits().length === 0; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(handle.waits()).toHaveLength(1);
  await agent.close({ timeoutMs: 0 });
  checkpointer.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryContext({ cwd: dir });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

// `runs` listed the child "waiting (1 open wait)" and `agentchart send lead-1 --wait-id …`
// answered it, but `waits` said "No human waits pending" and `show lead-1` showed no wait:
// they read only threads stored waiting, and a parent whose other child still works (or
// whose process died mid-call) is stored running.
describe("a child agent's wait while its parent is stored running", () => {
  it('is listed by waits under the parent, said to be in a running thread', async () => {
    const listed = await cli('waits', '--db', database, '--json');
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      {
        threadId: 'lead-1',
        childThreadId: 'lead-1/asker#0',
        waitId: 'asker#0/0.asker.asking#0/0:human',
        prompt: 'Pay the vendor?',
        threadRunning: true,
      },
    ]);
    const text = (await cli('waits', '--db', database)).stdout;
    expect(text).toContain('asker#0/0.asker.asking#0/0:human');
    expect(text).toContain('stored running');
  });

  it('is shown by show on the parent, with the command that answers it', async () => {
    const shown = (await cli('show', 'lead-1', '--db', database)).stdout;
    expect(shown).toContain('waiting for a human');
    expect(shown).toContain("--wait-id 'asker#0/0.asker.asking#0/0:human'");
  });
});
