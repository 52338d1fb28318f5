import { describe, expect, it } from 'vitest';
import { assign, fromPromise, setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { structuredCall } from '../effects/structured-call';
import { DefinitionError } from '../errors/definition-error';
import type { RunEvent } from '../events/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { scriptedModel } from '../testing/scripted-model';
import { createAgent } from './create-agent';
import type { AgentOptions } from './types';

const verdict = z.object({ relevant: z.boolean(), confidence: z.number().min(0).max(1) });

function classifier() {
  return setup({
    types: { input: {} as { text: string }, context: {} as { text: string; relevant?: boolean } },
    actors: {
      classify: structuredCall({
        model: 'fast',
        schema: verdict,
        prompt: (text: string) => `Classify: ${text}`,
        temperature: 0.1,
      }),
    },
  }).createMachine({
    id: 'classifier',
    context: ({ input }) => ({ text: input.text }),
    initial: 'classifying',
    states: {
      classifying: {
        invoke: {
          src: 'classify',
          input: ({ context }) => context.text,
          onDone: {
            target: 'done',
            actions: assign({ relevant: ({ event }) => event.output.relevant }),
          },
          onError: 'failed',
        },
      },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
    output: ({ context }) => ({ relevant: context.relevant ?? null }),
  });
}

describe('createAgent', () => {
  it('runs a structured call to done with its validated output and usage', async () => {
    const model = scriptedModel({ responses: [{ json: { relevant: true, confidence: 0.9 } }] });
    const agent = createAgent({ machine: classifier(), models: { fast: model } });
    const outcome = await agent.run({ input: { text: 'bridge repair' } });
    expect(outcome).toMatchObject({ status: 'done', output: { relevant: true } });
    expect(outcome.usage.modelCalls).toBe(1);
    expect(model.requests[0]?.temperature).toBe(0.1);
    expect(model.requests[0]?.responseFormat).toMatchObject({ type: 'json_schema' });
  });

  it('refuses a misspelt start option instead of starting a thread under another id', async () => {
    const model = scriptedModel({ responses: [{ json: { relevant: true, confidence: 0.9 } }] });
    const agent = createAgent({ machine: classifier(), models: { fast: model } });
    expect(() =>
      agent.start({ threadID: 'mine', input: { text: 'bridge repair' } } as never),
    ).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringContaining('threadID is not an option; did you mean threadId?'),
      }),
    );
    expect(model.requests).toEqual([]);
    expect(await agent.getCheckpoint('mine')).toBeUndefined();
    // Named after the method called: `agent.run`'s said "agent.start".
    await expect(
      agent.run({ ticket: 'x', input: { text: 'bridge repair' } } as never),
    ).rejects.toThrow(/^agent\.run: ticket is not an option/);
    expect(() => agent.start({ ticket: 'x' } as never)).toThrow(/^agent\.start: ticket/);
  });

  it('rejects, never throws, agent.run() of a thread already running, a bad id or a closed agent', async () => {
    const model = scriptedModel({
      handler: () => ({ json: { relevant: true, confidence: 0.9 }, latencyMs: 5 }),
    });
    const agent = createAgent({ machine: classifier(), models: { fast: model } });
    const input = { text: 'bridge repair' };
    const first = agent.run({ threadId: 'same', input });
    // Before: each threw at the call, past the .catch() of code written for a promise.
    const refusals = [
      agent.run({ threadId: 'same', input }),
      agent.run({ threadId: '', input }),
      agent.run({ threadID: 'mine', input } as never),
    ].map((run) => run.then(undefined, (error: { code: string }) => error.code));
    expect(await Promise.all(refusals)).toEqual([
      'run.already_running',
      'definition.invalid_option',
      'definition.invalid_option',
    ]);
    expect((await first).status).toBe('done');
    await agent.close();
    await expect(agent.run({ input })).rejects.toMatchObject({ code: 'agent.closed' });
  });

  it('emits typed events in order for a run', async () => {
    const model = scriptedModel({ responses: [{ json: { relevant: false, confidence: 0.2 } }] });
    const agent = createAgent({ machine: classifier(), models: { fast: model } });
    const seen: RunEvent[] = [];
    agent.events.onAny((event) => seen.push(event));
    await agent.run({ threadId: 't1', input: { text: 'x' } });
    expect(seen.map((event) => event.type)).toEqual([
      'run.start',
      'state.enter',
      'checkpoint.write',
      'budget.ledger',
      'llm.call.start',
      'llm.token',
      'llm.call.end',
      'state.exit',
      'state.enter',
      'checkpoint.write',
      'run.end',
    ]);
    expect(seen.every((event) => event.threadId === 't1')).toBe(true);
    expect(seen[0]).toMatchObject({ type: 'run.start', agent: 'classifier' });
    expect(seen.find((event) => event.type === 'state.exit')).toMatchObject({
      state: 'classifying',
    });
  });

  it('keeps a budget.ledger listener from changing the ledger the journal stores', async () => {
    const model = scriptedModel({ responses: [{ json: { relevant: true, confidence: 0.9 } }] });
    const agent = createAgent({ machine: classifier(), models: { fast: model } });
    const listenerErrors: unknown[] = [];
    agent.events.on('listener.error', (event) => listenerErrors.push(event));
    let sent = -1;
    agent.events.on('budget.ledger', ({ ledger }) => {
      sent = ledger.sections.input;
      (ledger.sections as { input: number }).input = 0;
    });
    await agent.run({ threadId: 't1', input: { text: 'x' } });
    expect(sent).toBeGreaterThan(0);
    expect(listenerErrors).toHaveLength(1);
    const [call] = await agent.journal('t1');
    expect(call?.meta?.ledger).toMatchObject({ sections: { input: sent } });
  });

  it('throws at definition when an effect uses a model alias that was not given', () => {
    const error = (() => {
      try {
        // @ts-expect-error: the missing alias is a compile-time error as well (issue 9).
        createAgent({ machine: classifier(), models: {} });
      } catch (caught) {
        return caught;
      }
    })();
    expect(DefinitionError.isInstance(error)).toBe(true);
    expect((error as DefinitionError).code).toBe('definition.model_not_provided');
    expect((error as Error).message).toContain('createAgent({ models: { fast: yourModel } })');
  });

  it('names the given alias a misspelt one was meant to be', () => {
    // Before: "Add it: createAgent({ models: { fsat: yourModel } }). Given: fast." for a typo.
    // @ts-expect-error: the misspelt alias is a compile-time error as well.
    expect(() => createAgent({ machine: classifier(), models: { fats: scriptedModel() } })).toThrow(
      expect.objectContaining({
        code: 'definition.model_not_provided',
        message: expect.stringContaining('A model is given as "fats": a typo?'),
      }),
    );
    // @ts-expect-error: as above.
    expect(() => createAgent({ machine: classifier(), models: { slow: scriptedModel() } })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('a typo?') }),
    );
  });

  it('requires models at compile time when the machine names aliases, not only a wrong one', () => {
    // Before: leaving `models` out compiled, and failed only when the agent was created.
    // @ts-expect-error: the machine's effects name the alias "fast".
    expect(() => createAgent({ machine: classifier() })).toThrow(
      expect.objectContaining({ code: 'definition.model_not_provided' }),
    );
    // Options typed on their own, as AgentOptions of the machine, still compile.
    const typed: AgentOptions<ReturnType<typeof classifier>> = {
      machine: classifier(),
      models: { fast: scriptedModel() },
    };
    expect(createAgent(typed).name).toBe('classifier');
    // A machine that names no alias needs no models.
    const plain = setup({}).createMachine({
      id: 'plain',
      initial: 'done',
      states: { done: { type: 'final' } },
    });
    expect(createAgent({ machine: plain }).name).toBe('plain');
  });

  it('says what to do with an input JSON cannot carry, such as a BigInt', async () => {
    const plain = setup({}).createMachine({
      id: 'plain',
      initial: 'done',
      states: { done: { type: 'final' } },
    });
    const outcome = await createAgent({ machine: plain }).run({ input: { amount: 1n } });
    // Before: a bare "Do not know how to serialize a BigInt".
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(/BigInt \(1n\).*string of digits/) },
    });
  });

  it('throws at definition when a state invokes an actor that is not registered', () => {
    const machine = setup({}).createMachine({ id: 'm', invoke: { src: 'nowhere' } as never });
    expect(() => createAgent({ machine })).toThrow(/invokes "nowhere", which is not registered/);
    // Before: the advice named XState's generated id ("setup({ actors: { xstate.invoke.0… } })").
    const inline = setup({}).createMachine({
      id: 'inline',
      initial: 'working',
      states: { working: { invoke: { src: fromPromise(async () => 1) } as never } },
    });
    expect(() => createAgent({ machine: inline })).toThrow(
      /invokes an actor given inline .* Register it by name/,
    );
  });

  it('comes to rest as waiting on a human wait and continues on a valid reply', async () => {
    const machine = setup({
      actors: {
        approve: humanWait({
          prompt: (amount: number) => `Approve a payment of ${amount}?`,
          reply: z.object({ approved: z.boolean() }),
        }),
      },
    }).createMachine({
      id: 'approval',
      initial: 'asking',
      states: {
        asking: {
          invoke: {
            src: 'approve',
            input: 120,
            onDone: [
              { guard: ({ event }) => event.output.approved, target: 'paid' },
              { target: 'declined' },
            ],
          },
        },
        paid: { type: 'final' },
        declined: { type: 'final' },
      },
      output: ({ context }) => context,
    });
    const agent = createAgent({ machine });
    const rests: RunEvent[] = [];
    agent.events.on('run.waiting', (event) => rests.push(event));
    const handle = agent.start({ threadId: 'pay-1', input: undefined });
    const waiting = await handle.result();
    expect(waiting.status).toBe('waiting');
    expect(rests).toMatchObject([{ type: 'run.waiting', waitIds: [handle.waits()[0]?.waitId] }]);
    expect(waiting.status === 'waiting' && waiting.waits[0]?.prompt).toBe(
      'Approve a payment of 120?',
    );
    // The waiting run left memory (the default): the restored wait refuses the reply, and
    // result() reports it; the wait stays open.
    handle.reply({ approved: 'yes' });
    await expect(handle.result()).rejects.toMatchObject({ code: 'human.invalid_reply' });
    expect(handle.waits()).toHaveLength(1);
    await agent.send('pay-1', { type: 'human.reply', value: { approved: true } });
    const done = await handle.result();
    expect(done.status).toBe('done');
    expect(handle.getSnapshot().value).toBe('paid');
  });

  it('ends in the limit outcome when the model-call limit is reached', async () => {
    const model = scriptedModel({ handler: () => ({ json: { relevant: true, confidence: 0.5 } }) });
    const agent = createAgent({
      machine: classifier(),
      models: { fast: model },
      limits: { maxModelCalls: 0 },
    });
    const outcome = await agent.run({ input: { text: 'x' } });
    expect(outcome).toMatchObject({ status: 'limit', limit: { limit: 'maxModelCalls', max: 0 } });
    expect(model.requests).toHaveLength(0);
  });

  it('starts a thread whose first start died before its checkpoint with { force: true }, which the lease error names (issue 10)', async () => {
    const checkpointer = new MemoryCheckpointer();
    // What a process that died right after taking the lease leaves: a live lease, no checkpoint.
    await checkpointer.acquireLease('t1', { owner: 'gone', ttlMs: 30_000, now: Date.now() });
    const model = () =>
      scriptedModel({ responses: [{ json: { relevant: true, confidence: 0.9 } }] });
    const agent = createAgent({ machine: classifier(), models: { fast: model() }, checkpointer });
    const refused = agent.start({ threadId: 't1', input: { text: 'x' } }).result();
    await expect(refused).rejects.toMatchObject({
      code: 'run.already_running',
      cause: { code: 'checkpoint.lease_held' },
    });
    await expect(refused).rejects.toThrow(/force: true/);
    const again = createAgent({ machine: classifier(), models: { fast: model() }, checkpointer });
    const forced = await again
      .start({ threadId: 't1', input: { text: 'x' }, force: true })
      .result();
    expect(forced.status).toBe('done');
    expect(() => again.start({ input: { text: 'x' }, force: 'yes' as never })).toThrow(
      /force must be true or false/,
    );
  });

  it('refuses a limit of 0 steps, which ended every run at its start, and a replay listener that is not a function', async () => {
    const model = scriptedModel({ responses: [] });
    expect(() =>
      createAgent({ machine: classifier(), models: { fast: model }, limits: { maxSteps: 0 } }),
    ).toThrow(/createAgent: limits\.maxSteps is 0\. Give a whole number of macrosteps, 1 or more/);
    const agent = createAgent({ machine: classifier(), models: { fast: model } });
    // It named events.onAny, which the caller never called.
    await expect(agent.replay('t', { onEvent: 42 as never })).rejects.toThrow(
      /^agent\.replay: onEvent is the number 42/,
    );
  });

  it('refuses a resume whose force is not true or false, before it takes anything', async () => {
    const checkpointer = new MemoryCheckpointer();
    await checkpointer.acquireLease('t1', { owner: 'other', ttlMs: 30_000, now: Date.now() });
    const agent = createAgent({
      machine: classifier(),
      models: { fast: scriptedModel({ responses: [] }) },
      checkpointer,
    });
    // 'false' was truthy: the resume forced its way in, taking the other process's lease.
    for (const force of ['false', 'yes', 1]) {
      await expect(agent.resume('t1', { force: force as never })).rejects.toThrow(
        /agent\.resume: force must be true or false/,
      );
    }
    // The lease is still the other process's.
    await expect(
      checkpointer.acquireLease('t1', { owner: 'third', ttlMs: 30_000, now: Date.now() }),
    ).rejects.toMatchObject({ code: 'checkpoint.lease_held' });
  });
});
