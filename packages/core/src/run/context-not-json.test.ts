import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { structuredCall } from '../effects/structured-call';
import { scriptedModel } from '../testing/scripted-model';

/** A structured answer whose transforms give values JSON cannot carry back as they are. */
const answer = z.object({
  due: z.iso.date().transform((day) => new Date(`${day}T00:00:00Z`)),
  ratio: z.number().transform((n) => (n === 0 ? Number.NaN : n)),
  big: z
    .string()
    .transform((digits) => BigInt(digits))
    .optional(),
});

const machine = setup({
  types: { context: {} as { answer?: z.output<typeof answer>; after?: string } },
  actors: {
    ask: structuredCall({ model: 'm', schema: answer, prompt: () => 'When?' }),
    wait: humanWait({ prompt: () => 'Go on?', reply: z.boolean() }),
  },
}).createMachine({
  id: 'dates',
  context: {},
  initial: 'asking',
  states: {
    asking: {
      invoke: {
        src: 'ask',
        onDone: { target: 'waiting', actions: assign({ answer: ({ event }) => event.output }) },
      },
    },
    waiting: { invoke: { src: 'wait', onDone: 'done' } },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ dueIsDate: context.answer?.due instanceof Date }),
});

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

function agentWith(json: unknown) {
  const m = scriptedModel({ responses: [{ json }] });
  const agent = createAgent({ machine, models: { m }, checkpointer: stores.open() });
  const warnings: { code: string; message: string }[] = [];
  agent.events.on('agent.warning', ({ code, message }) => warnings.push({ code, message }));
  return { agent, warnings };
}

describe('a context holding values a checkpoint cannot give back', () => {
  it('warns once, naming the value, when the context holds a Date or NaN a restore would read as JSON', async () => {
    const { agent, warnings } = agentWith({ due: '2026-01-02', ratio: 0, big: null });
    expect((await agent.run({ threadId: 't1', input: undefined })).status).toBe('waiting');
    await agent.close();
    // Before: nothing said; the restored run read `due` as a string, and `ratio` as null.
    expect(warnings).toEqual([
      {
        code: 'context.not_json',
        message: expect.stringContaining('context.answer.due (a Date)'),
      },
    ]);
    expect(warnings[0]?.message).toContain('z.iso.datetime()');
    const restored = agentWith({});
    const handle = await restored.agent.send('t1', { type: 'human.reply', value: true });
    const outcome = await handle.result();
    expect(outcome.status === 'done' && outcome.output).toEqual({ dueIsDate: false });
    await restored.agent.close();
  });

  it("warns of a Date in the machine's output, which the stored outcome gives back as a string", async () => {
    const dated = setup({}).createMachine({
      id: 'dated',
      initial: 'done',
      states: { done: { type: 'final' } },
      output: () => ({ due: new Date('2026-01-02T00:00:00Z') }),
    });
    const agent = createAgent({ machine: dated, checkpointer: stores.open() });
    const warnings: string[] = [];
    agent.events.on('agent.warning', ({ code, message }) => warnings.push(`${code}: ${message}`));
    expect((await agent.run({ threadId: 'd1', input: undefined })).status).toBe('done');
    await agent.close();
    // Before: nothing said; read back from the store, `due` was a string.
    expect(warnings).toEqual([expect.stringContaining('output.due (a Date)')]);
    expect(warnings[0]).toMatch(/^context\.not_json: /);
  });

  it('warns once per agent and place, not at every run (a server would print it per request)', async () => {
    const m = scriptedModel({
      handler: () => ({ json: { due: '2026-01-02', ratio: 0, big: null } }),
    });
    const agent = createAgent({ machine, models: { m }, checkpointer: stores.open() });
    const warnings: string[] = [];
    agent.events.on('agent.warning', ({ code }) => warnings.push(code));
    for (const threadId of ['a', 'b', 'c']) {
      expect((await agent.run({ threadId, input: undefined })).status).toBe('waiting');
    }
    expect(warnings).toEqual(['context.not_json']);
    await agent.close();
  });

  it('fails with run.context_not_json naming a bigint, which a checkpoint cannot store', async () => {
    const { agent } = agentWith({ due: '2026-01-02', ratio: 1, big: '12345678901234567890' });
    const outcome = await agent.run({ threadId: 't2', input: undefined });
    await agent.close();
    // Before: a bare TypeError, code `unknown`, naming no key.
    expect(outcome.status === 'failed' && outcome.error.code).toBe('run.context_not_json');
    expect(outcome.status === 'failed' && outcome.error.message).toContain('context.answer.big');
  });

  it('stores the run as failed, with the answer it paid for, so a resume pays nothing again', async () => {
    const store = stores.open();
    const big = { due: '2026-01-02', ratio: 1, big: '12345678901234567890' };
    const agent = createAgent({
      machine,
      models: { m: scriptedModel({ responses: [{ json: big }] }) },
      checkpointer: store,
    });
    const outcome = await agent.run({ threadId: 't4', input: undefined });
    await agent.close();
    expect(outcome.status === 'failed' && outcome.error.code).toBe('run.context_not_json');
    // Before: the store still said `running` at the checkpoint before the call, and the
    // paid answer, held for the checkpoint that could not be built, was never journaled.
    const latest = await store.latest('t4');
    expect(latest?.run.status).toBe('failed');
    expect(latest?.run.error?.code).toBe('run.context_not_json');
    const calls = (await store.listEffects('t4')).filter((entry) => entry.kind === 'llm');
    expect(calls.map((entry) => entry.status)).toEqual(['completed']);

    let paidAgain = 0;
    const again = createAgent({
      machine,
      models: {
        m: scriptedModel({
          handler: () => {
            paidAgain += 1;
            return { json: big };
          },
        }),
      },
      checkpointer: stores.open(),
    });
    const resumed = await (await again.resume('t4')).result();
    await again.close();
    expect(paidAgain).toBe(0);
    expect(resumed.status === 'failed' && resumed.error.code).toBe('run.context_not_json');
  });

  it('fails with run.context_not_json naming where the context refers to itself, and stores the failure', async () => {
    type Node = { name: string; parent?: Node; children: Node[] };
    const tree = setup({
      types: { context: {} as { root?: Node; answer?: unknown } },
      actors: {
        ask: structuredCall({
          model: 'm',
          schema: z.object({ n: z.number() }),
          prompt: () => 'n?',
        }),
      },
    }).createMachine({
      id: 'tree',
      context: {},
      initial: 'asking',
      states: {
        asking: {
          invoke: {
            src: 'ask',
            onDone: {
              target: 'done',
              actions: assign(({ event }) => {
                const root: Node = { name: 'root', children: [] };
                root.children.push({ name: 'leaf', parent: root, children: [] });
                return { root, answer: event.output };
              }),
            },
          },
        },
        done: { type: 'final' },
      },
    });
    const store = stores.open();
    const agent = createAgent({
      machine: tree,
      models: { m: scriptedModel({ responses: [{ json: { n: 1 } }] }) },
      checkpointer: store,
    });
    const outcome = await agent.run({ threadId: 't5', input: undefined });
    await agent.close();
    // Before: a bare TypeError (code `unknown`) naming no key, the store saying `running`.
    expect(outcome.status === 'failed' && outcome.error.code).toBe('run.context_not_json');
    expect(outcome.status === 'failed' && outcome.error.message).toContain(
      'context.root.children[0].parent',
    );
    expect((await store.latest('t5'))?.run.status).toBe('failed');
  });

  it("fails with run.context_not_json naming a bigint in the machine's output", async () => {
    const counting = setup({}).createMachine({
      id: 'counting',
      initial: 'done',
      states: { done: { type: 'final' } },
      output: () => ({ total: 2n ** 64n }),
    });
    const agent = createAgent({ machine: counting, checkpointer: stores.open() });
    const outcome = await agent.run({ threadId: 't3', input: undefined });
    await agent.close();
    // Before: a bare TypeError, code `unknown`.
    expect(outcome.status === 'failed' && outcome.error.code).toBe('run.context_not_json');
    expect(outcome.status === 'failed' && outcome.error.message).toContain('output.total');
  });
});
