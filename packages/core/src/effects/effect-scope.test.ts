import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { runLogAgent } from '../../test/fixtures/run-log-agent';
import { createAgent } from '../agent/create-agent';
import { MemoryCostLedger } from '../cost/memory-cost-ledger';
import { usageFromJournal } from '../ledger/fold-usage';
import { RunLogCostLedger } from '../run-log/run-log-cost-ledger';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { humanWait } from './human-wait';
import { structuredCall } from './structured-call';
import { toolCall } from './tool-call';

/** The fixture thread's journal and its child's, once it waits for its approval. */
async function journalsOfWaitingThread() {
  const store = new MemoryCheckpointer();
  const clock = manualClock(1_700_000_000_000);
  const agent = runLogAgent(store, { clock });
  const outcome = await agent
    .start({ threadId: 'tender-1', input: 'quay wall', tenantId: 'acme' })
    .result();
  expect(outcome.status).toBe('waiting');
  return {
    journal: await store.listEffects('tender-1'),
    child: await store.listEffects('tender-1/0.triage.delegating#0'),
  };
}

describe('EffectScope.journaled', () => {
  it('records with every step the agent, the chart state that invoked it, the tenant and, once finished, its latency', async () => {
    const { journal, child } = await journalsOfWaitingThread();
    expect(journal.map((entry) => [entry.kind, entry.name, entry.meta?.state])).toEqual([
      ['llm', 'small', 'review.classifying'],
      ['llm', 'strong', 'review.classifying'],
      ['llm', 'small', 'researching'],
      ['tool', 'lookup', 'researching'],
      ['tool', 'archive', 'researching'],
      ['llm', 'small', 'researching'],
      ['agent', 'summariser', 'delegating'],
      ['human', 'human', 'approving'],
    ]);
    for (const entry of journal) {
      expect(entry.meta).toMatchObject({ agent: 'triage', tenantId: 'acme' });
      expect(entry.meta?.latencyMs).toBe(entry.status === 'started' ? undefined : 0);
    }
    // A child agent's steps name the child and its own state, charged to the parent's tenant.
    expect(child.map((entry) => entry.meta)).toEqual([
      expect.objectContaining({ agent: 'summariser', state: 'summarising', tenantId: 'acme' }),
    ]);
  });

  it('records what the run log reads per kind: endpoint, confidence and escalation of a model call, a tool input hash, a wait reply shape', async () => {
    const { journal } = await journalsOfWaitingThread();
    const [small, strong, , lookup, archive] = journal;
    expect(small?.meta).toMatchObject({ endpoint: 'scripted:small', confidence: 0.5 });
    expect(small?.meta).not.toHaveProperty('escalation');
    expect(strong?.meta).toMatchObject({
      endpoint: 'scripted:strong',
      confidence: 0.9,
      escalation: { from: 'small', reason: 'low_confidence' },
    });
    expect(lookup?.meta?.inputHash).toMatch(/^[0-9a-f]{16}$/);
    expect(archive?.meta?.inputHash).not.toBe(lookup?.meta?.inputHash);
    // A text answer has no confidence.
    expect(journal[2]?.meta).not.toHaveProperty('confidence');
    expect(journal.at(-1)?.meta?.replySchema).toMatchObject({
      type: 'object',
      required: ['approved'],
    });
  });
});

describe('EffectScope.journaled, a result held for the next checkpoint', () => {
  it('stores the result as the step gave it, whatever the chart does to it before it is written', async () => {
    const fetchItems = defineTool({
      name: 'fetchItems',
      description: 'Returns a list.',
      input: z.object({}),
      output: z.object({ items: z.array(z.string()) }),
      effect: 'pure',
      execute: async () => ({ items: ['a'] }),
    });
    const store = new MemoryCheckpointer();
    const machine = setup({ actors: { fetch: toolCall(fetchItems) } }).createMachine({
      id: 'held',
      initial: 'fetching',
      context: { items: [] as string[] },
      states: {
        fetching: {
          invoke: {
            src: 'fetch',
            input: {},
            onDone: {
              target: 'done',
              // A chart that changes what the step returned, in the macrostep it causes.
              actions: assign(({ event }) => {
                event.output.items.push('changed');
                return { items: event.output.items };
              }),
            },
          },
        },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, models: {}, checkpointer: store });
    const outcome = await agent.run({ threadId: 'held-1', input: undefined });
    expect(outcome.status).toBe('done');
    const [entry] = await store.listEffects('held-1');
    expect(entry?.output).toEqual({ items: ['a'] });
  });

  it('does not record a result that lands after its run ended: the outcome and the journal count the same calls', async () => {
    const model = scriptedModel({ handler: () => ({ json: { ok: true } }) });
    const ask = structuredCall({
      model: 'fast',
      schema: z.object({ ok: z.boolean() }),
      prompt: () => 'Go?',
    });
    const approve = humanWait({ prompt: () => 'Go on?', reply: z.boolean() });
    const branch = {
      initial: 'waiting',
      states: {
        waiting: { invoke: { src: 'approve', onDone: 'asking' } },
        asking: { invoke: { src: 'ask', onDone: 'asked' } },
        asked: { type: 'final' },
      },
    } as const;
    const machine = setup({ actors: { ask, approve } }).createMachine({
      id: 'side-by-side',
      type: 'parallel',
      states: {
        first: {
          initial: 'asking',
          states: { asking: { invoke: { src: 'ask', onDone: 'asked' } }, asked: { type: 'final' } },
        },
        a: branch,
        b: branch,
        c: branch,
      },
    });
    const store = new MemoryCheckpointer();
    const agent = createAgent({
      machine,
      models: { fast: model },
      checkpointer: store,
      limits: { maxModelCalls: 2 },
    });
    const handle = agent.start({ threadId: 't', input: undefined });
    const waiting = await handle.result();
    if (waiting.status !== 'waiting') throw new Error(`expected waiting, got ${waiting.status}`);

    // a's call is sent and answered at once; b's refusal, on record first, ends the run.
    const sent = waiting.waits.map(({ waitId }) =>
      agent.send('t', { type: 'human.reply', value: true, waitId }),
    );
    const outcome = await (await sent[0]!).result();
    await Promise.all(sent);
    await agent.close();
    // What the aborted call's result would write lands a turn later.
    await new Promise((resolve) => setImmediate(resolve));

    expect(outcome.status).toBe('limit');
    const journal = await store.listEffects('t');
    // a's answer was recorded `completed` after the end had reported and stored its usage:
    // the journal counted a call (and its cost) that the outcome and the checkpoint did not.
    expect(usageFromJournal(journal, { steps: 0 }).modelCalls).toBe(outcome.usage.modelCalls);
    expect((await store.latest('t'))?.run.usage.modelCalls).toBe(outcome.usage.modelCalls);
  });

  it('does not put in the cost ledger a call whose result lands after its run ended: the ledger counts the calls the journal does', async () => {
    const model = scriptedModel({ handler: () => ({ json: { ok: true } }) });
    const ask = structuredCall({
      model: 'fast',
      schema: z.object({ ok: z.boolean() }),
      prompt: () => 'Go?',
    });
    const approve = humanWait({ prompt: () => 'Go on?', reply: z.boolean() });
    const branch = {
      initial: 'waiting',
      states: {
        waiting: { invoke: { src: 'approve', onDone: 'asking' } },
        asking: { invoke: { src: 'ask', onDone: 'asked' } },
        asked: { type: 'final' },
      },
    } as const;
    const machine = setup({ actors: { ask, approve } }).createMachine({
      id: 'side-by-side',
      type: 'parallel',
      states: {
        first: {
          initial: 'asking',
          states: { asking: { invoke: { src: 'ask', onDone: 'asked' } }, asked: { type: 'final' } },
        },
        a: branch,
        b: branch,
        c: branch,
      },
    });
    const store = new MemoryCheckpointer();
    const costLedger = new MemoryCostLedger();
    const agent = createAgent({
      machine,
      models: { fast: model },
      checkpointer: store,
      costLedger,
      prices: { [model.modelName]: { inputPerMillion: 1, outputPerMillion: 1 } },
      limits: { maxModelCalls: 2 },
    });
    const handle = agent.start({ threadId: 't', input: undefined });
    const waiting = await handle.result();
    if (waiting.status !== 'waiting') throw new Error(`expected waiting, got ${waiting.status}`);
    const sent = waiting.waits.map(({ waitId }) =>
      agent.send('t', { type: 'human.reply', value: true, waitId }),
    );
    const outcome = await (await sent[0]!).result();
    await Promise.all(sent);
    await agent.close();
    await new Promise((resolve) => setImmediate(resolve));

    expect(outcome.status).toBe('limit');
    const journal = await store.listEffects('t');
    const journaled = usageFromJournal(journal, { steps: 0 });
    // Before: the call the journal leaves `started` was in the cost ledger, so a
    // MemoryCostLedger summed a call (and its cost) that a RunLogCostLedger, the journal, the
    // outcome and the checkpoint did not.
    const ledger = await costLedger.summarise({ threadId: 't' });
    expect(ledger.calls).toBe(journaled.modelCalls);
    expect(ledger.calls).toBe(outcome.usage.modelCalls);
    expect((await new RunLogCostLedger(store).summarise({ threadId: 't' })).calls).toBe(
      ledger.calls,
    );
  });

  it('records a latency of 0 or more when the wall clock steps back during the step (issue 12)', async () => {
    let offset = 0;
    const clock = {
      now: () => Date.now() + offset,
      setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    const charge = defineTool({
      name: 'charge',
      description: 'Charges a card.',
      input: z.object({}),
      output: z.object({ ok: z.boolean() }),
      effect: 'idempotent',
      execute: async () => {
        // NTP steps the clock back an hour while the call is in flight.
        offset = -3_600_000;
        return { ok: true };
      },
    });
    const store = new MemoryCheckpointer();
    const machine = setup({ actors: { charge: toolCall(charge) } }).createMachine({
      id: 'stepped',
      initial: 'charging',
      states: {
        charging: { invoke: { src: 'charge', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, models: {}, checkpointer: store, clock });
    const latencies: number[] = [];
    agent.events.on('tool.call.end', (event) => latencies.push(event.latencyMs));
    expect((await agent.run({ threadId: 'stepped-1', input: undefined })).status).toBe('done');
    const [entry] = await store.listEffects('stepped-1');
    // Before: -3,599,999 ms in the journal, the run log and the event.
    expect(entry?.meta?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(latencies).toEqual([expect.any(Number)]);
    expect(latencies[0]).toBeGreaterThanOrEqual(0);
  });
});
