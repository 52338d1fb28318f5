import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agentActor,
  createAgent,
  defineTool,
  structuredCall,
  toolCall,
  toolLoop,
} from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgentInspector } from './create-agent-inspector';
import { readInspectionRecording, recordInspection } from './record-inspection';
import { startInspectorRelay } from './start-inspector-relay';
import type { InspectionMessage } from './types';

const verdict = z.object({ relevant: z.boolean() });

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a topic up.',
  input: z.object({ topic: z.string() }),
  output: z.object({ hits: z.number() }),
  effect: 'pure',
  execute: async ({ topic }) => ({ hits: topic.length }),
});

const checker = setup({
  actors: {
    answer: structuredCall({ model: 'fast', schema: verdict, prompt: (text: string) => text }),
  },
}).createMachine({
  id: 'checker',
  initial: 'checking',
  states: {
    checking: { invoke: { id: 'answer', src: 'answer', input: 'Check it.', onDone: 'checked' } },
    checked: { type: 'final' },
  },
});

/** A small demo: classify → research with a tool → a child agent checks → done. */
const supervisor = setup({
  actors: {
    classify: structuredCall({
      model: 'fast',
      schema: verdict,
      prompt: (text: string) => `Classify: ${text}`,
    }),
    research: toolLoop({ model: 'fast', tools: [lookup], prompt: (text: string) => text }),
    check: agentActor({ machine: checker, input: z.undefined(), output: verdict }),
  },
}).createMachine({
  id: 'supervisor',
  initial: 'classifying',
  states: {
    classifying: {
      invoke: { id: 'classify', src: 'classify', input: 'secret bridges', onDone: 'researching' },
    },
    researching: {
      invoke: { id: 'research', src: 'research', input: 'bridges', onDone: 'delegating' },
    },
    delegating: { invoke: { id: 'check', src: 'check', onDone: 'done' } },
    done: { type: 'final' },
  },
});

function demoModel() {
  return scriptedModel({
    responses: [
      { json: { relevant: true }, usage: { inputTokens: 30, outputTokens: 4 } },
      { toolCalls: [{ id: 'call_1', name: 'lookup', arguments: { topic: 'bridges' } }] },
      'Seven hits.',
      { json: { relevant: true } },
    ],
  });
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A relay whose connections are held at the handshake until `admit()`: the inspector's socket
 * is not yet open, as when runs start before it connects, whatever the timing.
 */
async function relayThatAdmitsLater() {
  const held: (() => void)[] = [];
  let admitted = false;
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, done) => {
      if (admitted) done(true);
      else held.push(() => done(true));
    },
  });
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  await new Promise((resolve) => server.once('listening', resolve));
  const received: InspectionMessage[] = [];
  server.on('connection', (client) => {
    cleanups.push(async () => client.terminate());
    client.on('message', (data) => received.push(JSON.parse(String(data))));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    received,
    admit() {
      admitted = true;
      for (const release of held.splice(0)) release();
    },
  };
}

/**
 * Runs of the demo started at once (one agent each, for its scripted model), with what they
 * sent as the inspector wrote it, once every run's end has gone out.
 */
async function burstOfRuns(options: Parameters<typeof createAgentInspector>[0], runs: number) {
  const recorded: InspectionMessage[] = [];
  const inspector = createAgentInspector({
    ...options,
    onMessage: (message) => recorded.push(JSON.parse(JSON.stringify(message))),
  });
  const outcomes = await Promise.all(
    Array.from({ length: runs }, (_, run) => {
      const agent = createAgent({
        machine: supervisor,
        models: { fast: demoModel() },
        inspect: inspector.inspect,
      });
      inspector.attach(agent);
      return agent.run({ threadId: `burst-${run}`, input: undefined });
    }),
  );
  expect(outcomes.every((outcome) => outcome.status === 'done')).toBe(true);
  // Each run and its child agent's run end with a fact, the last of what they send.
  await until(
    () => facts(recorded, 'agentchart.run.end').length === runs * 2,
    'every run to be sent',
  );
  return { inspector, recorded };
}

const actors = (messages: InspectionMessage[]) =>
  messages.filter((message) => message.type === '@xstate.actor');
const facts = (messages: InspectionMessage[], type: string) =>
  messages.filter(
    (message): message is Extract<InspectionMessage, { type: '@xstate.event' }> =>
      message.type === '@xstate.event' && message.event.type === type,
  );

describe('createAgentInspector', () => {
  it('streams a run, its effect actors and its child agent to a relay on 127.0.0.1, with the harness facts, and records the same stream', async () => {
    const relay = await startInspectorRelay({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => relay.close());
    expect(relay.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    // The inspector page's side of the relay.
    const received: InspectionMessage[] = [];
    const viewer = new WebSocket(relay.url);
    viewer.addEventListener('message', (event) => received.push(JSON.parse(String(event.data))));
    await new Promise((resolve) => viewer.addEventListener('open', resolve, { once: true }));
    cleanups.push(async () => viewer.close());
    const directory = await mkdtemp(join(tmpdir(), 'agentchart-inspect-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const file = join(directory, 'demo.inspect.jsonl');

    const inspector = createAgentInspector({ url: relay.url, record: recordInspection({ file }) });
    const agent = createAgent({
      machine: supervisor,
      models: { fast: demoModel() },
      inspect: inspector.inspect,
    });
    inspector.attach(agent);
    const outcome = await agent.run({ threadId: 'demo-1', input: undefined });
    await inspector.stop();
    expect(outcome.status).toBe('done');

    const recorded = await readInspectionRecording(file);
    await until(() => received.length >= recorded.length, 'the relay to pass every message on');
    expect(received).toEqual(recorded);

    // Actors: the run, its effect actors, and the child agent's run under its effect actor.
    const byName = new Map(actors(recorded).map((message) => [message.name, message]));
    const root = byName.get('supervisor');
    expect(root?.parentId).toBeUndefined();
    for (const effect of ['classify', 'research', 'check']) {
      expect(byName.get(effect)?.parentId).toBe(root?.sessionId);
    }
    const child = byName.get('checker');
    expect(child?.parentId).toBe(byName.get('check')?.sessionId);
    expect(byName.get('answer')?.parentId).toBe(child?.sessionId);

    // Events and snapshots of the run's machine.
    expect(
      recorded.some(
        (message) =>
          message.type === '@xstate.event' &&
          message.sessionId === root?.sessionId &&
          message.event.type === 'xstate.init',
      ),
    ).toBe(true);
    const rootValues = recorded
      .filter(
        (message): message is Extract<InspectionMessage, { type: '@xstate.snapshot' }> =>
          message.type === '@xstate.snapshot' && message.sessionId === root?.sessionId,
      )
      .map((message) => (message.snapshot as { value?: unknown }).value);
    expect(rootValues).toEqual(
      expect.arrayContaining(['classifying', 'researching', 'delegating', 'done']),
    );

    // The harness's facts, sent to the actor they concern.
    const [classified] = facts(recorded, 'agentchart.llm.call.end');
    expect(classified?.sessionId).toBe(byName.get('classify')?.sessionId);
    expect(classified?.rootId).toBe(root?.sessionId);
    expect(classified?.event).toMatchObject({
      threadId: 'demo-1',
      usage: { inputTokens: 30, outputTokens: 4 },
      retries: 0,
      cached: false,
    });
    expect(classified?.event.costUsd).toBeGreaterThan(0);
    expect(facts(recorded, 'agentchart.tool.call.end')[0]).toMatchObject({
      sessionId: byName.get('research')?.sessionId,
      event: { tool: 'lookup' },
    });
    const ends = facts(recorded, 'agentchart.run.end');
    expect(ends.map((end) => end.sessionId)).toEqual([child?.sessionId, root?.sessionId]);
    expect(ends[1]?.event).toMatchObject({ status: 'done', usage: outcome.usage });
    // No content in the facts unless asked for.
    const factText = JSON.stringify(
      recorded.filter(
        (message) =>
          message.type === '@xstate.event' && message.event.type.startsWith('agentchart.'),
      ),
    );
    expect(factText).not.toContain('secret bridges');
    expect(factText).not.toContain('"request"');
  });

  it('still shows every actor it sends about after a burst of 40 runs started before the relay connection opened (the first ~1,000 messages, their actor registrations among them, were lost)', async () => {
    const relay = await relayThatAdmitsLater();
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const { inspector, recorded } = await burstOfRuns({ url: relay.url }, 40);
    // More than the connection keeps: some messages must go.
    expect(recorded.length).toBeGreaterThan(1_500);
    const stopping = inspector.stop();
    relay.admit();
    await stopping;
    await until(() => relay.received.length > 0, 'the relay to get what waited');

    // Each message's actor was registered before it, as the inspector needs to show it.
    const registered = new Set<string>();
    for (const message of relay.received) {
      if (message.type === '@xstate.actor') registered.add(message.sessionId);
      else expect(registered).toContain(message.sessionId);
    }
    // The newest 1,000 messages came in full, in order; only older ones were dropped.
    const others = (messages: InspectionMessage[]) =>
      messages.filter((message) => message.type !== '@xstate.actor');
    expect(others(relay.received)).toEqual(others(recorded).slice(-1_000));
    // Said once: the live view misses messages the recording has.
    expect(warned).toHaveBeenCalledTimes(1);
    expect(warned).toHaveBeenCalledWith(expect.stringContaining(relay.url), {
      code: 'AGENTCHART_INSPECT_DROPPED',
    });
  });

  it('keeps the whole burst for the relay with a maxBuffered large enough', async () => {
    const relay = await relayThatAdmitsLater();
    const warned = vi.spyOn(process, 'emitWarning');
    const { inspector, recorded } = await burstOfRuns({ url: relay.url, maxBuffered: 100_000 }, 40);
    const stopping = inspector.stop();
    relay.admit();
    await stopping;
    await until(() => relay.received.length >= recorded.length, 'the relay to get everything');
    expect(relay.received).toEqual(recorded);
    expect(warned).not.toHaveBeenCalled();
  });

  it('refuses a maxBuffered that is not a whole number of at least 1, or that bounds nothing with url: false', () => {
    for (const maxBuffered of [0, -1, 1.5, Number.NaN, '100' as unknown as number]) {
      expect(() => createAgentInspector({ url: 'ws://127.0.0.1:9', maxBuffered })).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringContaining('createAgentInspector: maxBuffered is'),
        }),
      );
    }
    expect(() => createAgentInspector({ url: false, maxBuffered: 10 })).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringContaining('url: false sends nothing'),
      }),
    );
  });

  it('refuses a misspelt option instead of opening the socket url: false turns off', async () => {
    let made: ReturnType<typeof createAgentInspector> | undefined;
    try {
      expect(() => {
        made = createAgentInspector({ URL: false } as never);
      }).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringContaining('URL is not an option; did you mean url?'),
        }),
      );
    } finally {
      await made?.stop();
    }
  });

  it('refuses a maxThreads that bounds nothing', () => {
    for (const maxThreads of [0, -1, 1.5, Number.POSITIVE_INFINITY]) {
      expect(() => createAgentInspector({ url: false, maxThreads })).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringContaining('maxThreads must be a whole number of at least 1'),
        }),
      );
    }
  });

  it('refuses a recording without its file option, naming the one meant', () => {
    expect(() => recordInspection({ path: 'run.jsonl' } as never)).toThrow(
      /recordInspection: path is not an option/,
    );
  });

  it('refuses a misspelt relay option before it listens', async () => {
    const outcome = await startInspectorRelay({ port: 0, hots: '127.0.0.1' } as never).then(
      async (relay) => {
        await relay.close();
        return 'listening';
      },
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringContaining('hots is not an option; did you mean host?'),
    });
  });

  it('sends nothing over the network with url: false, and hands every message to onMessage', async () => {
    const seen: InspectionMessage[] = [];
    const inspector = createAgentInspector({
      url: false,
      onMessage: (message) => seen.push(message),
    });
    const agent = createAgent({
      machine: supervisor,
      models: { fast: demoModel() },
      inspect: inspector.inspect,
    });
    inspector.attach(agent);
    await agent.run({ input: undefined });
    await inspector.stop();
    expect(actors(seen).map((message) => message.name)).toContain('checker');
    expect(facts(seen, 'agentchart.run.end')).toHaveLength(2);
  });

  it('keeps runs and the other sinks going when onMessage or a record sink throws, and warns once per sink', async () => {
    // Before: sinks were called from @statelyai/inspect's timers, so a throw was an uncaught
    // exception (a crashed process), and the sinks after the one that threw got nothing.
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const kept: InspectionMessage[] = [];
    const broken = {
      send() {
        throw new Error('the disk is full');
      },
    };
    const inspector = createAgentInspector({
      url: false,
      record: [broken, { send: (message) => kept.push(message) }],
      onMessage: () => {
        throw new Error('the dashboard is down');
      },
    });
    const agent = createAgent({
      machine: supervisor,
      models: { fast: demoModel() },
      inspect: inspector.inspect,
    });
    inspector.attach(agent);
    expect((await agent.run({ input: undefined })).status).toBe('done');
    await inspector.stop();
    expect(facts(kept, 'agentchart.run.end')).toHaveLength(2);
    expect(warned.mock.calls).toEqual([
      [expect.stringContaining('the disk is full'), { code: 'AGENTCHART_INSPECT_SINK_FAILED' }],
      [
        expect.stringContaining('the dashboard is down'),
        { code: 'AGENTCHART_INSPECT_SINK_FAILED' },
      ],
    ]);
  });

  it("redacts the machines' context and events it streams, as the agent's store and events are (issue 13)", async () => {
    const secret = 'canary-inspect-5d7f9b1c3e';
    const fetchKey = defineTool({
      name: 'fetch_key',
      description: 'Returns a key.',
      input: z.object({}),
      output: z.string(),
      effect: 'pure',
      execute: async () => `key ${secret}`,
    });
    const machine = setup({
      types: { context: {} as { got?: string } },
      actors: { fetch: toolCall(fetchKey) },
    }).createMachine({
      id: 'keeper',
      context: {},
      initial: 'fetching',
      states: {
        fetching: {
          invoke: {
            src: 'fetch',
            input: {},
            onDone: { target: 'done', actions: assign({ got: ({ event }) => event.output }) },
          },
        },
        done: { type: 'final' },
      },
      output: ({ context }) => context.got,
    });
    const seen: InspectionMessage[] = [];
    const inspector = createAgentInspector({
      url: false,
      onMessage: (message) => seen.push(message),
    });
    const agent = createAgent({
      machine,
      inspect: inspector.inspect,
      redact: { secrets: [secret] },
    });
    inspector.attach(agent);
    const outcome = await agent.run({ input: undefined });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await inspector.stop();
    await agent.close();
    // The run held the key; what the inspector saw (the done event, the context) did not.
    expect(JSON.stringify(outcome)).toContain(secret);
    const streamed = JSON.stringify(seen);
    expect(streamed).toContain('key [REDACTED:secret]');
    expect(streamed).not.toContain(secret);
  });

  it("leaves a tool's output out of its error fact unless content is captured (issue 13)", async () => {
    const leaky = defineTool({
      name: 'lookup',
      description: 'Looks a customer up.',
      input: z.object({ id: z.string() }),
      output: z.object({ count: z.number() }),
      effect: 'pure',
      // The wrong shape: the invalid output travels in the error's details.
      execute: async () => ({ count: 'ssn 078-05-1120' }) as unknown as { count: number },
    });
    const machine = setup({
      actors: { work: toolLoop({ model: 'fast', tools: [leaky], prompt: (text: string) => text }) },
    }).createMachine({
      id: 'leaky',
      initial: 'working',
      states: {
        working: { invoke: { id: 'work', src: 'work', input: 'Go.', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const errorFacts = async (captureContent: boolean) => {
      const seen: InspectionMessage[] = [];
      const inspector = createAgentInspector({
        url: false,
        captureContent,
        onMessage: (message) => seen.push(message),
      });
      const model = scriptedModel({
        responses: [{ toolCalls: [{ id: 'c1', name: 'lookup', arguments: { id: 'x' } }] }, 'Done.'],
      });
      const agent = createAgent({ machine, models: { fast: model }, inspect: inspector.inspect });
      inspector.attach(agent);
      await agent.run({ input: undefined });
      await inspector.stop();
      return facts(seen, 'agentchart.tool.call.error');
    };

    const [withoutContent] = await errorFacts(false);
    expect(withoutContent?.event).toMatchObject({
      error: {
        code: 'tool.invalid_output',
        issues: [expect.objectContaining({ path: ['count'] })],
      },
    });
    expect(JSON.stringify(withoutContent)).not.toContain('078-05-1120');
    const [withContent] = await errorFacts(true);
    expect(JSON.stringify(withContent)).toContain('078-05-1120');
  });
});
