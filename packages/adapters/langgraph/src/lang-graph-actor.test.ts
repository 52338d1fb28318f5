import { type Checkpointer, createAgent, RunError, type RunEvent } from '@agentchart/core';
import { manualClock, runEffect, scriptedModel } from '@agentchart/core/testing';
import {
  Annotation,
  type BaseCheckpointSaver,
  interrupt,
  MemorySaver,
  START,
  StateGraph,
} from '@langchain/langgraph';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { invokeMachine } from '../test/fixtures/invoke-machine';
import { researchDesk, researchOutput } from '../test/fixtures/research-desk';
import { researchGraph } from '../test/fixtures/research-graph';
import { tempStores } from '../test/fixtures/temp-stores';
import { langGraphActor } from './lang-graph-actor';
import { LangGraphError } from './lang-graph-error';
import type { GraphStep } from './types';

/** The chart's own model: it picks the topic the graph researches. */
function topicModel() {
  return scriptedModel({ handler: () => ({ json: { topic: 'tides' } }) });
}

/** A node's failure once its model call has been answered (and paid for). */
function failAfterTheCall(): never {
  throw new Error('summary store offline');
}

/** The error a failed graph step recorded, if `entry` is one. */
function failureOf(entry: { output?: unknown } | undefined) {
  const step = entry?.output as GraphStep | undefined;
  return step?.status === 'failed' ? step.error : undefined;
}

/** Resolves once `condition` holds, checking after each turn of the event loop. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 2_000; turn++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never held');
}

/**
 * `store` as a process that dies right after the journal entry `dies` accepts is written:
 * the write never returns, so nothing after it (the chart's next checkpoint) happens.
 */
function dyingAfter(
  store: Checkpointer,
  dies: (entry: Parameters<Checkpointer['putEffect']>[0]) => boolean,
): Checkpointer {
  return new Proxy(store, {
    get(target, property, receiver) {
      // Results then go through putEffect one by one, each before its checkpoint or the next
      // intent (a store that writes them in one transaction with either leaves no moment
      // between the two to die in).
      if (property === 'saveWithJournal' || property === 'putEffects') return undefined;
      if (property === 'putEffect') {
        return async (...args: Parameters<Checkpointer['putEffect']>) => {
          await target.putEffect(...args);
          if (dies(args[0])) await new Promise(() => {});
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

describe('langGraphActor', () => {
  it("runs a compiled graph as the chart's actor and hands its checked output to the chart", async () => {
    const { graph, runs, model } = researchGraph();
    const agent = createAgent({ machine: researchDesk(graph), models: { fast: topicModel() } });
    const outcome = await agent.run({ threadId: 'desk', input: { question: 'Why tides?' } });
    expect(outcome).toMatchObject({ status: 'done', output: { summary: 'Summary of 2 notes' } });
    expect(runs).toEqual({ search: 1, summarise: 1, approve: 0 });
    expect(model.prompts).toEqual(['tides: first fact\ntides: second fact']);
    // The graph's LangChain model call is in the run's usage, through the journal.
    expect(outcome.usage.modelCalls).toBe(2);
    const graphStep = (await agent.journal('desk')).find((entry) => entry.name === 'research');
    expect(graphStep).toMatchObject({
      kind: 'agent',
      status: 'completed',
      input: { topic: 'tides' },
      output: { status: 'done', usage: { modelCalls: 1, inputTokens: 12, outputTokens: 5 } },
    });
  });

  it('does not run the graph again when the run resumes after the graph finished', async () => {
    const first = researchGraph();
    // The first process records the graph's result, then dies before the chart moves on.
    const dying = dyingAfter(
      stores.open().checkpointer,
      (entry) => entry.name === 'research' && entry.status === 'completed',
    );
    createAgent({
      machine: researchDesk(first.graph),
      models: { fast: topicModel() },
      checkpointer: dying,
      clock: manualClock(0),
    }).start({ threadId: 't', input: { question: 'Why tides?' } });
    await until(() => first.runs.summarise === 1);
    const { checkpointer } = stores.open();
    await until(async () =>
      (await checkpointer.listEffects('t')).some(
        (entry) => entry.name === 'research' && entry.status === 'completed',
      ),
    );
    expect((await checkpointer.latest('t'))?.snapshot).toMatchObject({ value: 'researching' });

    const second = researchGraph();
    const agent = createAgent({
      machine: researchDesk(second.graph),
      models: { fast: topicModel() },
      checkpointer,
    });
    const replayed: RunEvent<'effect.replayed'>[] = [];
    agent.events.on('effect.replayed', (event) => replayed.push(event));
    const outcome = await (await agent.resume('t')).result();
    expect(outcome).toMatchObject({ status: 'done', output: { summary: 'Summary of 2 notes' } });
    expect(second.runs).toEqual({ search: 0, summarise: 0, approve: 0 });
    expect(first.runs).toEqual({ search: 1, summarise: 1, approve: 0 });
    expect(replayed.map((event) => event.kind)).toEqual(['agent']);
    // The graph's usage is counted once, from the journal.
    expect(outcome.usage.modelCalls).toBe(2);
  });

  it("hands a resumed run the graph's output, not its whole state, when the graph had finished unrecorded", async () => {
    // A graph whose output is a part of its state, as LangGraph's `output` annotation makes it.
    const Ticket = Annotation.Root({ ticket: Annotation<string> });
    const Reply = Annotation.Root({ reply: Annotation<string> });
    const Desk = Annotation.Root({ ...Ticket.spec, draft: Annotation<string>, ...Reply.spec });
    const runs = { answer: 0 };
    const deskGraph = (checkpointer: BaseCheckpointSaver) =>
      new StateGraph({ input: Ticket, output: Reply, stateSchema: Desk })
        .addNode('answer', ({ ticket }) => {
          runs.answer++;
          return { draft: 'internal notes', reply: `Re: ${ticket}` };
        })
        .addEdge(START, 'answer')
        .compile({ checkpointer });
    const machine = (checkpointer: BaseCheckpointSaver) =>
      invokeMachine(langGraphActor({ graph: deskGraph(checkpointer), name: 'desk' }), {
        ticket: 'refund',
      });

    // The first process: the graph finishes (its thread says so), then the process dies
    // before the journal records the step.
    const first = stores.open();
    const dying = new Proxy(first.checkpointer, {
      get(target, property, receiver) {
        if (property === 'saveWithJournal' || property === 'putEffects') return undefined;
        if (property === 'putEffect') {
          return (...args: Parameters<Checkpointer['putEffect']>) =>
            args[0].name === 'desk' && args[0].status === 'completed'
              ? new Promise(() => {})
              : target.putEffect(...args);
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    createAgent({
      machine: machine(first.saver),
      checkpointer: dying,
      clock: manualClock(0),
    }).start({
      threadId: 'd',
      input: undefined,
    });
    await until(() => runs.answer === 1);

    const { checkpointer, saver } = stores.open();
    const outcome = await (
      await createAgent({ machine: machine(saver), checkpointer }).resume('d')
    ).result();
    // What the live run would have handed the chart: the output channels, not `draft`.
    expect(outcome).toEqual(
      expect.objectContaining({ status: 'done', output: { result: { reply: 'Re: refund' } } }),
    );
    expect(runs.answer).toBe(1);
  });

  it('continues a graph cut short mid-run from its own LangGraph checkpoint', async () => {
    const firstStores = stores.open();
    const first = researchGraph({
      checkpointer: firstStores.saver,
      // The first process dies inside `summarise`: the node never returns.
      beforeSummary: () => new Promise(() => {}),
    });
    createAgent({
      machine: researchDesk(first.graph),
      models: { fast: topicModel() },
      checkpointer: firstStores.checkpointer,
      clock: manualClock(0),
    }).start({ threadId: 't', input: { question: 'Why tides?' } });
    await until(() => first.runs.summarise === 1);

    const { checkpointer, saver } = stores.open();
    const second = researchGraph({ checkpointer: saver });
    const agent = createAgent({
      machine: researchDesk(second.graph),
      models: { fast: topicModel() },
      checkpointer,
    });
    const outcome = await (await agent.resume('t')).result();
    expect(outcome).toMatchObject({ status: 'done', output: { summary: 'Summary of 2 notes' } });
    // `search` had finished and was checkpointed by LangGraph: only `summarise` ran again.
    expect(second.runs).toEqual({ search: 0, summarise: 1, approve: 0 });
  });

  it('routes a final state that breaks the output schema to onError as graph.invalid_output', async () => {
    const { graph } = researchGraph({ summaryOverride: 42 });
    const agent = createAgent({ machine: researchDesk(graph), models: { fast: topicModel() } });
    const outcome = await agent.run({ input: { question: 'Why tides?' } });
    expect(outcome).toMatchObject({ status: 'done', output: { error: 'graph.invalid_output' } });
  });

  it('gives the chart the zod issues of invalid output, with the graph and its thread', async () => {
    const { graph } = researchGraph({ summaryOverride: 42 });
    const actor = langGraphActor({ graph, name: 'research', output: researchOutput });
    const { error } = await runEffect(actor, { topic: 'tides' });
    expect(LangGraphError.isInstance(error)).toBe(true);
    expect(error.code).toBe('graph.invalid_output');
    expect(error.issues.map((issue: { path: unknown }) => issue.path)).toEqual([['summary']]);
    expect(error.details).toMatchObject({ graph: 'research', values: { summary: 42 } });
    expect(error.details.threadId).toMatch(/\/.+#0$/);
  });

  it('refuses input that breaks the input schema with graph.invalid_input, without running the graph', async () => {
    const { graph, runs } = researchGraph();
    const model = scriptedModel({ handler: () => ({ json: { topic: '' } }) });
    const agent = createAgent({ machine: researchDesk(graph), models: { fast: model } });
    const outcome = await agent.run({ input: { question: 'Why tides?' } });
    expect(outcome).toMatchObject({ status: 'done', output: { error: 'graph.invalid_input' } });
    expect(runs.search).toBe(0);
  });

  it('routes a node that throws to onError as graph.failed, recorded once', async () => {
    const { graph } = researchGraph({
      beforeSummary: () => {
        throw new Error('search index offline');
      },
    });
    const agent = createAgent({ machine: researchDesk(graph), models: { fast: topicModel() } });
    const outcome = await agent.run({ threadId: 'f', input: { question: 'Why tides?' } });
    expect(outcome).toMatchObject({ status: 'done', output: { error: 'graph.failed' } });
    const step = (await agent.journal('f')).find((entry) => entry.name === 'research');
    // Recorded as the step's result, with the usage of the graph's models (see GraphStep).
    expect(step?.status).toBe('completed');
    expect(failureOf(step)?.message).toContain('search index offline');
  });

  it("counts the model calls of a graph that fails in the run's usage, once", async () => {
    // The model answered (and was paid) before the next node threw.
    const { graph, model } = researchGraph({ afterSummary: failAfterTheCall });
    const first = stores.open();
    const agent = createAgent({
      machine: researchDesk(graph),
      models: { fast: topicModel() },
      checkpointer: first.checkpointer,
    });
    const outcome = await agent.run({ threadId: 'paid', input: { question: 'Why tides?' } });
    expect(outcome).toMatchObject({ status: 'done', output: { error: 'graph.failed' } });
    expect(model.prompts).toHaveLength(1);
    // The chart's topic call (11 + 5 tokens, as the scripted model counts) and the graph's.
    const paid = { modelCalls: 2, inputTokens: 11 + 12, outputTokens: 5 + 5 };
    expect(outcome.usage).toMatchObject(paid);

    // Read back from the journal, the failure is counted once and the graph does not run again.
    const again = researchGraph({ afterSummary: failAfterTheCall });
    const reader = createAgent({
      machine: researchDesk(again.graph),
      models: { fast: topicModel() },
      checkpointer: stores.open().checkpointer,
    });
    const replayed = await reader.replay('paid');
    expect(replayed).toMatchObject({ output: { error: 'graph.failed' } });
    expect(replayed.usage).toMatchObject(paid);
    expect(again.runs).toEqual({ search: 0, summarise: 0, approve: 0 });
  });

  it("names langGraphActor's recursionLimit option when the graph loops past its limit", async () => {
    const Counter = Annotation.Root({ turns: Annotation<number> });
    const graph = new StateGraph(Counter)
      .addNode('again', ({ turns }) => ({ turns: (turns ?? 0) + 1 }))
      .addEdge(START, 'again')
      .addConditionalEdges('again', () => 'again', ['again'])
      .compile();
    const actor = langGraphActor({ graph, name: 'loop', recursionLimit: 5 });
    const { error } = await runEffect(actor, { turns: 0 });
    expect(error.code).toBe('graph.failed');
    expect(error.details).toMatchObject({ graph: 'loop', lcErrorCode: 'GRAPH_RECURSION_LIMIT' });
    // LangGraph's own advice names a config key the adapter sets: the option is what to change.
    expect(error.message).toContain("langGraphActor's recursionLimit option (5)");
    // LangGraph's message ends with a line break, which must not split the sentence.
    expect(error.message).not.toMatch(/\n\./);
  });

  it('aborts the graph when its state is left', async () => {
    let aborted = false;
    const { graph, runs } = researchGraph({
      beforeSummary: (signal) =>
        new Promise<void>(() => {
          signal?.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    });
    const agent = createAgent({ machine: researchDesk(graph), models: { fast: topicModel() } });
    const handle = agent.start({ threadId: 'c', input: { question: 'Why tides?' } });
    await until(() => runs.summarise === 1);
    handle.send({ type: 'cancel' });
    const outcome = await handle.result();
    expect(outcome.status).toBe('done');
    expect(handle.getSnapshot().value).toBe('cancelled');
    expect(aborted).toBe(true);
    // Whether the graph acted is unknown: its step stays started, neither done nor failed.
    const step = (await agent.journal('c')).find((entry) => entry.name === 'research');
    expect(step?.status).toBe('started');
  });
});

describe('langGraphActor interrupts', () => {
  it("turns the graph's interrupt() into a durable human wait, answered from another process", async () => {
    const firstStores = stores.open();
    const first = researchGraph({ checkpointer: firstStores.saver, approval: true });
    const firstAgent = createAgent({
      machine: researchDesk(first.graph),
      models: { fast: topicModel() },
      checkpointer: firstStores.checkpointer,
      // A wrong reply to a run in memory throws at once (an evicted one reports it in result()).
      evictWaiting: false,
    });
    const handle = firstAgent.start({ threadId: 't', input: { question: 'Why tides?' } });
    expect((await handle.result()).status).toBe('waiting');
    expect(handle.waits().map((wait) => wait.prompt)).toEqual(['Approve the summary?']);
    const refused = (() => {
      try {
        handle.reply({ approved: 'yes' });
      } catch (error) {
        return error;
      }
    })();
    expect(RunError.isInstance(refused) && refused.code).toBe('human.invalid_reply');
    expect(handle.waits()).toHaveLength(1);
    await firstAgent.close();

    // Another process: the same stores, nothing in memory.
    const { checkpointer, saver } = stores.open();
    const second = researchGraph({ checkpointer: saver, approval: true });
    const agent = createAgent({
      machine: researchDesk(second.graph),
      models: { fast: topicModel() },
      checkpointer,
    });
    const done = await (
      await agent.send('t', { type: 'human.reply', value: { approved: true } })
    ).result();
    expect(done).toMatchObject({ status: 'done', output: { summary: 'Summary of 2 notes' } });
    // Only the interrupted node ran again, with the reply; the graph's state came from its thread.
    expect(first.runs).toEqual({ search: 1, summarise: 1, approve: 1 });
    expect(second.runs).toEqual({ search: 0, summarise: 0, approve: 1 });
    const kinds = (await agent.journal('t'))
      .filter((entry) => entry.kind !== 'llm')
      .map((entry) => `${entry.kind}:${entry.status}`);
    expect(kinds).toEqual(['agent:completed', 'human:completed', 'agent:completed']);
  });

  it('resumes the graph with a recorded reply when the process died right after the reply', async () => {
    const firstStores = stores.open();
    const first = researchGraph({ checkpointer: firstStores.saver, approval: true });
    const dying = dyingAfter(
      firstStores.checkpointer,
      (entry) => entry.kind === 'human' && entry.status === 'completed',
    );
    const firstAgent = createAgent({
      machine: researchDesk(first.graph),
      models: { fast: topicModel() },
      checkpointer: dying,
      clock: manualClock(0),
      // The reply goes through the handle while the run waits: keep it in memory.
      evictWaiting: false,
    });
    const handle = firstAgent.start({ threadId: 't', input: { question: 'Why tides?' } });
    expect((await handle.result()).status).toBe('waiting');
    handle.reply({ approved: true });
    const { checkpointer, saver } = stores.open();
    await until(async () =>
      (await checkpointer.listEffects('t')).some(
        (entry) => entry.kind === 'human' && entry.status === 'completed',
      ),
    );

    const second = researchGraph({ checkpointer: saver, approval: true });
    const agent = createAgent({
      machine: researchDesk(second.graph),
      models: { fast: topicModel() },
      checkpointer,
    });
    const outcome = await (await agent.resume('t')).result();
    expect(outcome).toMatchObject({ status: 'done', output: { summary: 'Summary of 2 notes' } });
    expect(first.runs.approve).toBe(1);
    expect(second.runs).toEqual({ search: 0, summarise: 0, approve: 1 });
  });

  it('resumes the interrupted node with the reply in the same process', async () => {
    const { graph, runs } = researchGraph({ checkpointer: new MemorySaver(), approval: true });
    const agent = createAgent({ machine: researchDesk(graph), models: { fast: topicModel() } });
    const handle = agent.start({ threadId: 'r', input: { question: 'Why tides?' } });
    expect((await handle.result()).status).toBe('waiting');
    handle.reply({ approved: true });
    expect(await handle.result()).toMatchObject({ status: 'done' });
    // LangGraph runs an interrupted node again from its start, with the reply this time.
    expect(runs).toEqual({ search: 1, summarise: 1, approve: 2 });
  });

  it('asks again when the graph interrupts again after a reply', async () => {
    const { graph } = researchGraph({
      checkpointer: new MemorySaver(),
      approval: true,
      approvalRounds: 2,
    });
    const agent = createAgent({ machine: researchDesk(graph), models: { fast: topicModel() } });
    const handle = agent.start({ threadId: 'twice', input: { question: 'Why tides?' } });
    expect((await handle.result()).status).toBe('waiting');
    expect(handle.waits().map((wait) => wait.prompt)).toEqual(['Approve the summary? (1)']);
    handle.reply({ approved: true });
    expect((await handle.result()).status).toBe('waiting');
    expect(handle.waits().map((wait) => wait.prompt)).toEqual(['Approve the summary? (2)']);
    handle.reply({ approved: true });
    expect(await handle.result()).toMatchObject({ status: 'done' });
  });

  it('waits for every interrupt of parallel nodes and resumes each with its own reply', async () => {
    const Review = Annotation.Root({
      legal: Annotation<string>,
      finance: Annotation<string>,
    });
    const graph = new StateGraph(Review)
      .addNode('askLegal', () => ({ legal: interrupt<string, string>('Legal review?') }))
      .addNode('askFinance', () => ({ finance: interrupt<string, string>('Finance review?') }))
      .addEdge(START, 'askLegal')
      .addEdge(START, 'askFinance')
      .compile({ checkpointer: new MemorySaver() });
    const actor = langGraphActor({
      graph,
      name: 'reviews',
      reply: z.string(),
      output: z.object({ legal: z.string(), finance: z.string() }),
    });
    const agent = createAgent({ machine: invokeMachine(actor, {}) });
    const handle = agent.start({ threadId: 'p', input: undefined });
    expect((await handle.result()).status).toBe('waiting');
    const waits = handle.waits();
    expect(waits.map((wait) => wait.prompt).sort()).toEqual(['Finance review?', 'Legal review?']);
    for (const wait of waits)
      handle.reply(wait.prompt.split(' ')[0]?.toLowerCase() ?? '', wait.waitId);
    const outcome = await handle.result();
    expect(outcome).toMatchObject({
      status: 'done',
      output: { result: { legal: 'legal', finance: 'finance' } },
    });
  });

  it('resumes the graph with a reply of null, as it resumes with any other', async () => {
    const Notes = Annotation.Root({ notes: Annotation<string | null> });
    const graph = new StateGraph(Notes)
      .addNode('ask', () => ({
        notes: interrupt<string, string | null>('Any notes? (null: none)'),
      }))
      .addEdge(START, 'ask')
      .compile({ checkpointer: new MemorySaver() });
    const actor = langGraphActor({
      graph,
      name: 'notes',
      reply: z.string().nullable(),
      output: z.object({ notes: z.string().nullable() }),
    });
    const agent = createAgent({ machine: invokeMachine(actor, {}) });
    const handle = agent.start({ threadId: 'none', input: undefined });
    expect((await handle.result()).status).toBe('waiting');
    // LangGraph takes a bare Command({ resume: null }) for no resume at all ("Received empty
    // Command input"): the reply the schema let through would have failed the graph for good.
    handle.reply(null);
    expect(await handle.result()).toMatchObject({
      status: 'done',
      output: { result: { notes: null } },
    });
  });

  it('gives an interrupt() without a value a prompt all the same', async () => {
    const Pause = Annotation.Root({ resumed: Annotation<boolean> });
    const graph = new StateGraph(Pause)
      .addNode('pause', () => ({ resumed: interrupt<undefined, boolean>(undefined) }))
      .addEdge(START, 'pause')
      .compile({ checkpointer: new MemorySaver() });
    const agent = createAgent({
      machine: invokeMachine(langGraphActor({ graph, name: 'pause' }), {}),
    });
    const asked: string[] = [];
    agent.events.on('human.wait', (event) => asked.push(event.prompt));
    const handle = agent.start({ threadId: 'pause', input: undefined });
    expect((await handle.result()).status).toBe('waiting');
    // A wait's prompt is text: a screen that lists waits shows it as it is.
    expect(handle.waits().map((wait) => typeof wait.prompt)).toEqual(['string']);
    expect(asked.map((prompt) => typeof prompt)).toEqual(['string']);
    handle.reply(true);
    expect(await handle.result()).toMatchObject({ output: { result: { resumed: true } } });
  });

  it('fails with graph.failed when a reply arrives in a process whose graph lost its thread', async () => {
    const { checkpointer } = stores.open();
    const first = researchGraph({ checkpointer: new MemorySaver(), approval: true });
    const firstAgent = createAgent({
      machine: researchDesk(first.graph),
      models: { fast: topicModel() },
      checkpointer,
    });
    expect(
      (await firstAgent.start({ threadId: 'm', input: { question: 'Why tides?' } }).result())
        .status,
    ).toBe('waiting');
    await firstAgent.close();

    // Another process: MemorySaver's threads died with the first one.
    const second = researchGraph({ checkpointer: new MemorySaver(), approval: true });
    const agent = createAgent({
      machine: researchDesk(second.graph),
      models: { fast: topicModel() },
      checkpointer: stores.open().checkpointer,
    });
    const handle = await agent.send('m', { type: 'human.reply', value: { approved: true } });
    expect(await handle.result()).toMatchObject({
      status: 'done',
      output: { error: 'graph.failed' },
    });
    const failed = (await agent.journal('m')).find((entry) => failureOf(entry));
    expect(failureOf(failed)?.message).toContain('durable checkpointer');
    expect(second.runs).toEqual({ search: 0, summarise: 0, approve: 0 });
  });

  it('fails with graph.failed, naming the fix, when a graph without a checkpointer interrupts', async () => {
    const { graph } = researchGraph({ approval: true });
    const agent = createAgent({ machine: researchDesk(graph), models: { fast: topicModel() } });
    const outcome = await agent.run({ threadId: 'n', input: { question: 'Why tides?' } });
    expect(outcome).toMatchObject({ status: 'done', output: { error: 'graph.failed' } });
    const step = (await agent.journal('n')).find((entry) => entry.name === 'research');
    expect(failureOf(step)?.message).toContain('.compile({ checkpointer })');
  });
});
