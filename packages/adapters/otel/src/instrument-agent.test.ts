import {
  agentActor,
  type ChatModel,
  createAgent,
  defineTool,
  humanWait,
  MemoryCheckpointer,
  structuredCall,
  toolLoop,
} from '@agentchart/core';
import { createResponseCache } from '@agentchart/core/cache';
import { createGuard } from '@agentchart/core/security';
import { scriptedModel } from '@agentchart/core/testing';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { instrumentAgent } from './instrument-agent';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a topic up.',
  input: z.object({ topic: z.string() }),
  output: z.object({ hits: z.number() }),
  effect: 'pure',
  execute: async ({ topic }) => ({ hits: topic.length }),
});

const broken = defineTool({
  name: 'broken',
  description: 'Always fails.',
  input: z.object({}),
  output: z.object({}),
  effect: 'idempotent',
  execute: async () => {
    throw new Error('the archive is offline');
  },
});

/** classify (a structured call) → research (a tool loop with a failing tool) → done. */
const triage = setup({
  actors: {
    classify: structuredCall({
      model: 'fast',
      schema: z.object({ relevant: z.boolean() }),
      system: 'You classify requests.',
      prompt: (text: string) => `Classify: ${text}`,
      temperature: 0.1,
    }),
    research: toolLoop({
      model: 'fast',
      tools: [lookup, broken],
      prompt: (text: string) => `Research: ${text}`,
    }),
  },
}).createMachine({
  id: 'triage',
  initial: 'classifying',
  states: {
    classifying: {
      invoke: { id: 'classify', src: 'classify', input: 'bridges', onDone: 'researching' },
    },
    researching: { invoke: { id: 'research', src: 'research', input: 'bridges', onDone: 'done' } },
    done: { type: 'final' },
  },
});

function triageModel() {
  return scriptedModel({
    responses: [
      { json: { relevant: true }, usage: { inputTokens: 40, outputTokens: 5 } },
      {
        toolCalls: [
          { id: 'call_1', name: 'lookup', arguments: { topic: 'bridges' } },
          { id: 'call_2', name: 'broken', arguments: {} },
        ],
        usage: { inputTokens: 60, outputTokens: 12 },
      },
      { content: 'Two hits; the archive is offline.', usage: { inputTokens: 90, outputTokens: 9 } },
    ],
  });
}

function tracing(processors: SpanProcessor[] = []) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter), ...processors],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spans = () => exporter.getFinishedSpans();
  const metrics = async () => {
    await reader.forceFlush();
    return (
      metricExporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((scope) => scope.metrics) ?? []
    );
  };
  cleanups.push(
    () => meterProvider.shutdown(),
    () => tracerProvider.shutdown(),
  );
  return { tracerProvider, meterProvider, spans, metrics };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The span tree as `parent > child` lines, sorted (span times are whole milliseconds). */
function tree(spans: readonly ReadableSpan[]): string[] {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const path = (span: ReadableSpan): string => {
    const parent = byId.get(span.parentSpanContext?.spanId ?? '');
    return parent ? `${path(parent)} > ${span.name}` : span.name;
  };
  return spans.map(path).sort();
}

const named = (spans: readonly ReadableSpan[], name: string) =>
  spans.filter((span) => span.name === name);

describe('instrumentAgent', () => {
  it('traces a run as invoke_agent > state > chat / execute_tool, with GenAI attributes', async () => {
    const { tracerProvider, meterProvider, spans } = tracing();
    const agent = createAgent({ machine: triage, models: { fast: triageModel() } });
    const stop = instrumentAgent(agent, { tracerProvider, meterProvider });
    const outcome = await agent.run({ threadId: 'thread-1', input: undefined });
    stop();
    expect(outcome.status).toBe('done');

    const finished = spans();
    expect(new Set(tree(finished))).toEqual(
      new Set([
        'invoke_agent triage',
        'invoke_agent triage > state classifying',
        'invoke_agent triage > state classifying > chat scripted',
        'invoke_agent triage > state researching',
        'invoke_agent triage > state researching > chat scripted',
        'invoke_agent triage > state researching > execute_tool lookup',
        'invoke_agent triage > state researching > execute_tool broken',
        'invoke_agent triage > state done',
      ]),
    );
    expect(named(finished, 'chat scripted')).toHaveLength(3);
    expect(finished.every((span) => span.attributes['gen_ai.conversation.id'] === 'thread-1')).toBe(
      true,
    );

    const [run] = named(finished, 'invoke_agent triage');
    expect(run?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'triage',
      'gen_ai.provider.name': 'scripted',
      'gen_ai.usage.input_tokens': 190,
      'gen_ai.usage.output_tokens': 26,
      'agentchart.run.status': 'done',
      'agentchart.thread.model_calls': 3,
      'agentchart.thread.tool_calls': 2,
    });
    expect(run?.attributes['agentchart.cost_usd']).toBeCloseTo(outcome.usage.costUsd, 12);
    expect(run?.attributes['agentchart.cost_usd']).toBeGreaterThan(0);

    const [classify] = named(finished, 'chat scripted');
    expect(classify?.kind).toBe(2); // SpanKind.CLIENT
    expect(classify?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'scripted',
      'gen_ai.request.model': 'scripted',
      'gen_ai.response.model': 'scripted',
      'gen_ai.request.temperature': 0.1,
      'gen_ai.output.type': 'json',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.agent.name': 'triage',
      'agentchart.cached': false,
      'agentchart.retries': 0,
      'agentchart.site': 'classify',
    });
    expect(classify?.attributes['agentchart.cost_usd']).toBeGreaterThan(0);

    const [ok] = named(finished, 'execute_tool lookup');
    expect(ok?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'lookup',
      'gen_ai.tool.type': 'function',
    });
    expect(ok?.attributes['gen_ai.tool.call.id']).toEqual(expect.stringContaining('tool:lookup'));
    expect(ok?.status.code).toBe(0); // UNSET
    const [failed] = named(finished, 'execute_tool broken');
    expect(failed?.attributes['error.type']).toBe('tool.failed');
    // Without content capture a status message is the error's code, never its text.
    expect(failed?.status).toMatchObject({ code: 2, message: 'tool.failed' });
  });

  it('lets no model text reach a span with content capture off, status messages included', async () => {
    const refusing = setup({
      actors: {
        answer: structuredCall({
          model: 'fast',
          schema: z.object({ plan: z.string() }),
          prompt: () => 'Plan it.',
        }),
      },
    }).createMachine({
      id: 'refusing',
      initial: 'answering',
      states: { answering: { invoke: { src: 'answer', onDone: 'done' } }, done: { type: 'final' } },
    });
    // An answer that does not parse (a JSON parser's message quotes it), then a refusal.
    const model = () =>
      scriptedModel({
        responses: [
          'MODEL-TEXT-ONE',
          { refusal: 'I will not plan MODEL-TEXT-TWO', finishReason: 'refusal' },
        ],
      });
    const traced = async (captureContent: boolean) => {
      const { tracerProvider, spans } = tracing();
      const agent = createAgent({ machine: refusing, models: { fast: model() } });
      const stop = instrumentAgent(agent, { tracerProvider, meterProvider: false, captureContent });
      expect((await agent.run({ input: undefined })).status).toBe('failed');
      stop();
      return spans();
    };
    const plain = await traced(false);
    const [run] = named(plain, 'invoke_agent refusing');
    expect(run?.status).toEqual({ code: 2, message: 'output.refused' });
    expect(
      JSON.stringify(plain.map((span) => [span.attributes, span.events, span.status])),
    ).not.toMatch(/MODEL-TEXT/);
    // Asked for, the text is there.
    const captured = await traced(true);
    const [capturedRun] = named(captured, 'invoke_agent refusing');
    expect(capturedRun?.status.message).toContain('MODEL-TEXT-TWO');
    expect(JSON.stringify(captured.map((span) => span.events))).toContain('MODEL-TEXT-ONE');
  });

  it('records no message content unless asked to, and the GenAI content attributes when it is', async () => {
    const plain = tracing();
    const agent = createAgent({ machine: triage, models: { fast: triageModel() } });
    const stop = instrumentAgent(agent, {
      tracerProvider: plain.tracerProvider,
      meterProvider: false,
    });
    await agent.run({ input: undefined });
    stop();
    const contentKeys =
      /^gen_ai\.(input|output)\.messages$|^gen_ai\.tool\.(definitions|call\.arguments|call\.result)$|^agentchart\.run\.input$/;
    const leaked = plain
      .spans()
      .flatMap((span) => Object.keys(span.attributes).filter((key) => contentKeys.test(key)));
    expect(leaked).toEqual([]);
    const text = JSON.stringify(plain.spans().map((span) => [span.attributes, span.events]));
    expect(text).not.toContain('bridges');
    expect(text).not.toContain('Two hits');

    const opted = tracing();
    const second = createAgent({ machine: triage, models: { fast: triageModel() } });
    const stopSecond = instrumentAgent(second, {
      tracerProvider: opted.tracerProvider,
      meterProvider: false,
      captureContent: true,
    });
    await second.run({ input: undefined });
    stopSecond();
    const chats = named(opted.spans(), 'chat scripted');
    expect(JSON.parse(String(chats[0]?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You classify requests.' }] },
      {
        role: 'user',
        parts: [{ type: 'text', content: expect.stringContaining('Classify: bridges') }],
      },
    ]);
    expect(JSON.parse(String(chats[1]?.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_1', name: 'lookup', arguments: { topic: 'bridges' } },
          { type: 'tool_call', id: 'call_2', name: 'broken', arguments: {} },
        ],
        finish_reason: 'tool_call',
      },
    ]);
    expect(JSON.parse(String(chats[1]?.attributes['gen_ai.tool.definitions']))).toMatchObject([
      { type: 'function', name: 'lookup' },
      { type: 'function', name: 'broken' },
    ]);
    const [tool] = named(opted.spans(), 'execute_tool lookup');
    expect(JSON.parse(String(tool?.attributes['gen_ai.tool.call.arguments']))).toEqual({
      topic: 'bridges',
    });
    expect(JSON.parse(String(tool?.attributes['gen_ai.tool.call.result']))).toEqual({ hits: 7 });
  });

  it('records gen_ai.client.token.usage by token type and gen_ai.client.operation.duration', async () => {
    const { tracerProvider, meterProvider, metrics } = tracing();
    const agent = createAgent({ machine: triage, models: { fast: triageModel() } });
    instrumentAgent(agent, { tracerProvider, meterProvider });
    await agent.run({ input: undefined });
    const recorded = await metrics();
    const tokens = recorded.find(
      (metric) => metric.descriptor.name === 'gen_ai.client.token.usage',
    );
    expect(tokens?.descriptor.unit).toBe('{token}');
    const byType = Object.fromEntries(
      (tokens?.dataPoints ?? []).map((point) => [
        point.attributes['gen_ai.token.type'],
        point.value as { count: number; sum: number },
      ]),
    );
    expect(byType.input).toMatchObject({ count: 3, sum: 190 });
    expect(byType.output).toMatchObject({ count: 3, sum: 26 });
    expect(tokens?.dataPoints[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'scripted',
      'gen_ai.request.model': 'scripted',
    });
    const duration = recorded.find(
      (metric) => metric.descriptor.name === 'gen_ai.client.operation.duration',
    );
    expect(duration?.descriptor.unit).toBe('s');
    const calls = (duration?.dataPoints ?? []).reduce(
      (sum, point) => sum + (point.value as { count: number }).count,
      0,
    );
    expect(calls).toBe(3);
  });

  it('hangs a child agent’s run under the parent state that invoked it', async () => {
    const child = setup({
      actors: {
        answer: structuredCall({
          model: 'fast',
          schema: z.object({ relevant: z.boolean() }),
          prompt: (text: string) => text,
        }),
      },
    }).createMachine({
      id: 'checker',
      initial: 'checking',
      states: {
        checking: { invoke: { id: 'answer', src: 'answer', input: 'check', onDone: 'checked' } },
        checked: { type: 'final' },
      },
    });
    const parent = setup({
      actors: {
        check: agentActor({ machine: child, input: z.undefined(), output: z.unknown() }),
      },
    }).createMachine({
      id: 'supervisor',
      initial: 'delegating',
      states: {
        delegating: { invoke: { id: 'check', src: 'check', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const { tracerProvider, spans } = tracing();
    const model = scriptedModel({ responses: [{ json: { relevant: true } }] });
    const agent = createAgent({ machine: parent, models: { fast: model } });
    instrumentAgent(agent, { tracerProvider, meterProvider: false });
    expect((await agent.run({ threadId: 'sup', input: undefined })).status).toBe('done');
    expect(tree(spans())).toContain(
      'invoke_agent supervisor > state delegating > invoke_agent checker > state checking > chat scripted',
    );
    const [childRun] = named(spans(), 'invoke_agent checker');
    expect(childRun?.attributes['gen_ai.conversation.id']).toMatch(/^sup\/check#0/);
  });

  it('ends the run span when the run rests waiting and opens another when it continues', async () => {
    const machine = setup({
      actors: { approve: humanWait({ prompt: () => 'Approve?', reply: z.boolean() }) },
    }).createMachine({
      id: 'approval',
      initial: 'asking',
      states: {
        asking: { invoke: { id: 'approve', src: 'approve', onDone: 'approved' } },
        approved: { type: 'final' },
      },
    });
    const { tracerProvider, spans } = tracing();
    const agent = createAgent({ machine });
    instrumentAgent(agent, { tracerProvider, meterProvider: false });
    const handle = agent.start({ threadId: 'pay', input: undefined });
    expect((await handle.result()).status).toBe('waiting');
    expect(tree(spans())).toEqual([
      'invoke_agent approval',
      'invoke_agent approval > state asking',
    ]);
    expect(named(spans(), 'invoke_agent approval')[0]?.attributes).toMatchObject({
      'agentchart.run.status': 'waiting',
      'agentchart.run.resumed': false,
    });
    handle.reply(true);
    expect((await handle.result()).status).toBe('done');
    const runs = named(spans(), 'invoke_agent approval');
    expect(runs.map((span) => span.attributes['agentchart.run.status'])).toEqual([
      'waiting',
      'done',
    ]);
    expect(runs[1]?.attributes['agentchart.run.resumed']).toBe(true);
    expect(runs[1]?.attributes['gen_ai.conversation.id']).toBe('pay');
  });

  it('records approvals and guard blocks as span events, so a trace says why a call stopped (issue 12)', async () => {
    const mail = defineTool({
      name: 'send_mail',
      description: 'Sends a mail.',
      input: z.object({ to: z.string() }),
      output: z.object({ sent: z.boolean() }),
      effect: 'unsafe',
      approval: 'always',
      execute: async () => ({ sent: true }),
    });
    const machine = setup({
      actors: { work: toolLoop({ model: 'fast', tools: [mail], prompt: (text: string) => text }) },
    }).createMachine({
      id: 'mailer',
      initial: 'working',
      states: {
        working: { invoke: { id: 'work', src: 'work', input: 'Mail x.', onError: 'blocked' } },
        blocked: { type: 'final' },
      },
    });
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ id: 'call_1', name: 'send_mail', arguments: { to: 'x@example.com' } }] },
        'Card 4111 1111 1111 1111.',
      ],
    });
    const noCards = createGuard({
      name: 'no-cards',
      output: (response) =>
        /\d{4} \d{4}/.test(response.content) ? { block: 'a card number' } : undefined,
    });
    const { tracerProvider, spans } = tracing();
    const agent = createAgent({ machine, models: { fast: model }, middleware: [noCards] });
    instrumentAgent(agent, { tracerProvider, meterProvider: false });
    const handle = agent.start({ threadId: 'mail', input: undefined });
    expect((await handle.result()).status).toBe('waiting');
    handle.reply({ approved: true });
    expect((await handle.result()).status).toBe('done');

    const events = spans().flatMap((span) =>
      span.events.map((event) => ({ span: span.name, name: event.name, ...event.attributes })),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        span: 'state working',
        name: 'agentchart.approval.request',
        'gen_ai.tool.name': 'send_mail',
        reason: 'always',
      }),
    );
    expect(events).toContainEqual(
      // The run was evicted resting and is restored to take the reply, which is given as its
      // loop reopens the approval: on the span of the state that asked, in the new segment.
      expect.objectContaining({
        span: 'state working',
        name: 'agentchart.approval.decision',
        'gen_ai.tool.name': 'send_mail',
        approved: true,
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        span: 'chat scripted',
        name: 'agentchart.guard.block',
        guard: 'no-cards',
        stage: 'output',
        reason: 'a card number',
      }),
    );
  });

  it('traces a thread evicted while waiting and restored by a reply, without leaving a span open', async () => {
    const machine = setup({
      actors: { approve: humanWait({ prompt: () => 'Approve?', reply: z.boolean() }) },
    }).createMachine({
      id: 'approval',
      initial: 'asking',
      states: {
        asking: { invoke: { id: 'approve', src: 'approve', onDone: 'approved' } },
        approved: { type: 'final' },
      },
    });
    const started: string[] = [];
    const ended: string[] = [];
    const { tracerProvider, spans } = tracing([
      {
        onStart: (span) => started.push(span.spanContext().spanId),
        onEnd: (span) => ended.push(span.spanContext().spanId),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ]);
    const agent = createAgent({ machine, evictWaiting: true });
    instrumentAgent(agent, { tracerProvider, meterProvider: false });
    expect((await agent.start({ threadId: 'evicted', input: undefined }).result()).status).toBe(
      'waiting',
    );
    const handle = await agent.send('evicted', { type: 'human.reply', value: true });
    expect((await handle.result()).status).toBe('done');
    // The restored run is answered before it rests again (its wait is back in place when
    // the reply arrives), so the thread has two segments: until the wait, and to the end.
    expect(tree(spans())).toEqual([
      'invoke_agent approval',
      'invoke_agent approval',
      'invoke_agent approval > state approved',
      'invoke_agent approval > state asking',
      'invoke_agent approval > state asking',
    ]);
    const runs = named(spans(), 'invoke_agent approval');
    expect(runs.map((span) => span.attributes['agentchart.run.status'])).toEqual([
      'waiting',
      'done',
    ]);
    expect(runs.map((span) => span.attributes['agentchart.run.resumed'])).toEqual([false, true]);
    // The wait is reported before the rest now (once it is in the journal), so it lands on
    // the waiting state's span; the reply on the restored segment's.
    const eventNames = spans().flatMap((span) => span.events.map((event) => event.name));
    expect(eventNames).toEqual(
      expect.arrayContaining(['agentchart.human.wait', 'agentchart.human.reply']),
    );
    expect(started.length).toBe(5);
    expect(ended.length).toBe(started.length);
  });

  it('gives a restore that only rests on its tool approval again no empty segment', async () => {
    const mail = defineTool({
      name: 'send_mail',
      description: 'Sends a mail.',
      input: z.object({ to: z.string() }),
      output: z.object({ sent: z.boolean() }),
      effect: 'unsafe',
      approval: 'always',
      execute: async () => ({ sent: true }),
    });
    const machine = setup({
      actors: { work: toolLoop({ model: 'fast', tools: [mail], prompt: (text: string) => text }) },
    }).createMachine({
      id: 'mailer',
      initial: 'working',
      states: {
        working: { invoke: { id: 'work', src: 'work', input: 'Mail x.', onDone: 'sent' } },
        sent: { type: 'final' },
      },
    });
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ id: 'call_1', name: 'send_mail', arguments: { to: 'x@example.com' } }] },
        'Sent.',
      ],
    });
    const { tracerProvider, spans } = tracing();
    const agent = createAgent({ machine, models: { fast: model }, evictWaiting: true });
    instrumentAgent(agent, { tracerProvider, meterProvider: false });
    const first = await agent.start({ threadId: 'mail', input: undefined }).result();
    expect(first.status).toBe('waiting');
    const handle = await agent.send('mail', { type: 'human.reply', value: { approved: true } });
    expect((await handle.result()).status).toBe('done');
    const runs = named(spans(), 'invoke_agent mailer');
    expect(runs.map((span) => span.attributes['agentchart.run.status'])).toEqual([
      'waiting',
      'done',
    ]);
  });

  it('keeps a span per parallel region and ends only the state a region left', async () => {
    const slow = scriptedModel({ latencyMs: 50, responses: [{ json: { relevant: true } }] });
    const machine = setup({
      actors: {
        classify: structuredCall({
          model: 'fast',
          schema: z.object({ relevant: z.boolean() }),
          prompt: () => 'Classify.',
        }),
      },
    }).createMachine({
      id: 'parallel',
      type: 'parallel',
      states: {
        left: { initial: 'a', states: { a: { on: { NEXT: 'b' } }, b: { type: 'final' } } },
        right: {
          initial: 'x',
          states: {
            x: { invoke: { id: 'classify', src: 'classify', onDone: 'y' } },
            y: { type: 'final' },
          },
        },
      },
    });
    const { tracerProvider, spans } = tracing();
    const agent = createAgent({ machine, models: { fast: slow } });
    instrumentAgent(agent, { tracerProvider, meterProvider: false });
    const handle = agent.start({ threadId: 'p', input: undefined });
    // Left moves on while right's model call is in flight: right.x must stay open.
    handle.send({ type: 'NEXT' });
    expect((await handle.result()).status).toBe('done');
    expect(new Set(tree(spans()))).toEqual(
      new Set([
        'invoke_agent parallel',
        'invoke_agent parallel > state left.a',
        'invoke_agent parallel > state left.b',
        'invoke_agent parallel > state right.x',
        'invoke_agent parallel > state right.x > chat scripted',
        'invoke_agent parallel > state right.y',
      ]),
    );
    const [leftA] = named(spans(), 'state left.a');
    const [rightX] = named(spans(), 'state right.x');
    const [chat] = named(spans(), 'chat scripted');
    const ms = (time: [number, number]) => time[0] * 1000 + time[1] / 1e6;
    expect(ms(leftA!.endTime)).toBeLessThan(ms(chat!.endTime));
    expect(ms(rightX!.endTime)).toBeGreaterThanOrEqual(ms(chat!.endTime));
  });

  it('refuses a misspelt option instead of sending the spans to the global provider', () => {
    const agent = createAgent({ machine: triage, models: { fast: scriptedModel() } });
    const { tracerProvider } = tracing();
    expect(() => instrumentAgent(agent, { traceProvider: tracerProvider } as never)).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringContaining(
          'traceProvider is not an option; did you mean tracerProvider?',
        ),
      }),
    );
  });

  it('refuses a tracer or meter provider that is not one, which failed with a TypeError from inside', () => {
    const agent = createAgent({ machine: triage, models: { fast: scriptedModel() } });
    expect(() => instrumentAgent(agent, { tracerProvider: {} as never })).toThrow(
      /instrumentAgent: tracerProvider is an object\. Give an OpenTelemetry provider \(an object with getTracer\(\)\)/,
    );
    expect(() => instrumentAgent(agent, { meterProvider: true as never })).toThrow(
      /meterProvider is the boolean true/,
    );
  });

  it('refuses a first argument that is not an agent, which failed with a TypeError from inside', () => {
    // The options object, a run handle's shape, the machine itself.
    const handle = { threadId: 't', result: () => undefined, events: {} };
    for (const wrong of [undefined, { machine: triage }, handle, triage]) {
      expect(() => instrumentAgent(wrong as never)).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringMatching(
            /instrumentAgent: the first argument must be the agent createAgent returned/,
          ),
        }),
      );
    }
  });

  it("refuses a captureContent that is not a boolean: 'false' put prompts into every span", () => {
    const agent = createAgent({ machine: triage, models: { fast: scriptedModel() } });
    for (const captureContent of ['false', 'no', 1]) {
      expect(() => instrumentAgent(agent, { captureContent } as never)).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringMatching(/captureContent is .*Give true .* or false/),
        }),
      );
    }
  });

  it('ends the spans still open when it is stopped', async () => {
    const slow = scriptedModel({ latencyMs: 10_000, responses: [{ json: { relevant: true } }] });
    const agent = createAgent({ machine: triage, models: { fast: slow } });
    const { tracerProvider, spans } = tracing();
    const stop = instrumentAgent(agent, { tracerProvider, meterProvider: false });
    const calling = new Promise((resolve) => agent.events.on('llm.call.start', resolve));
    const handle = agent.start({ input: undefined });
    await calling;
    expect(spans()).toEqual([]);
    stop();
    expect(new Set(tree(spans()))).toEqual(
      new Set([
        'invoke_agent triage',
        'invoke_agent triage > state classifying',
        'invoke_agent triage > state classifying > chat scripted',
      ]),
    );
    expect(named(spans(), 'invoke_agent triage')[0]?.attributes['agentchart.run.status']).toBe(
      'unobserved',
    );
    await handle.stop();
  });

  it('fails the calls a stopped run cut off, whose errors come after its end', async () => {
    // The tool unwinds its abort a few milliseconds late, as one on a socket does, and the cache
    // step's own awaits delay the model call's: their tool.call.error / llm.call.error come
    // after run.end.
    const late = (signal: AbortSignal) =>
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => setTimeout(() => reject(signal.reason), 20)),
      );
    const hanging: ChatModel = {
      modelName: 'hanging',
      endpoint: 'hanging:local',
      metadata: { contextWindow: 8_192, pricing: { inputPerMillion: 1, outputPerMillion: 1 } },
      generate: (_request, { signal }) => late(signal),
    };
    const stuck = defineTool({
      name: 'stuck',
      description: 'Never answers.',
      input: z.object({}),
      output: z.object({}),
      effect: 'idempotent',
      execute: (_input, { signal }) => late(signal),
    });
    const machine = setup({
      actors: {
        ask: structuredCall({ model: 'hanging', schema: z.object({}), prompt: () => 'ask' }),
        work: toolLoop({ model: 'fast', tools: [stuck], prompt: () => 'work' }),
      },
    }).createMachine({
      id: 'cut',
      initial: 'start',
      states: {
        start: { always: [{ guard: ({ context }) => context.tool, target: 'working' }, 'asking'] },
        asking: { invoke: { id: 'ask', src: 'ask' } },
        working: { invoke: { id: 'work', src: 'work' } },
      },
      context: ({ input }: { input: { tool: boolean } }) => input,
    });
    const fast = scriptedModel({ responses: [{ toolCalls: [{ name: 'stuck', arguments: {} }] }] });
    const agent = createAgent({ machine, models: { hanging, fast }, cache: createResponseCache() });
    const { tracerProvider, spans } = tracing();
    const stop = instrumentAgent(agent, { tracerProvider, meterProvider: false });
    for (const [tool, started] of [
      [false, 'llm.call.start'],
      [true, 'tool.call.start'],
    ] as const) {
      const calling = new Promise((resolve) => agent.events.on(started, resolve));
      const handle = agent.start({ input: { tool } });
      await calling;
      await handle.stop();
      // Until the late error is in, which it is after run.end.
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    stop();

    // Before: both ended with no status and no error.type, as if they had answered.
    const [chat] = named(spans(), 'chat hanging');
    expect(chat?.attributes['error.type']).toBe('model.aborted');
    expect(chat?.status).toEqual({ code: 2, message: 'model.aborted' }); // SpanStatusCode.ERROR
    const [execute] = named(spans(), 'execute_tool stuck');
    expect(execute?.attributes['error.type']).toBe('effect.aborted');
    expect(execute?.status).toEqual({ code: 2, message: 'effect.aborted' });
  });

  it("sums a segment's cost as run.usage does, to the cent's last digit (issue 12)", async () => {
    const machine = setup({
      actors: {
        first: structuredCall({ model: 'fast', schema: z.object({}), prompt: () => 'one' }),
        second: structuredCall({ model: 'fast', schema: z.object({}), prompt: () => 'two' }),
      },
    }).createMachine({
      id: 'pricey',
      initial: 'a',
      states: {
        a: { invoke: { id: 'first', src: 'first', onDone: 'b' } },
        b: { invoke: { id: 'second', src: 'second', onDone: 'c' } },
        c: { type: 'final' },
      },
    });
    // $0.1 and $0.2: in binary floating point 0.1 + 0.2 is 0.30000000000000004.
    const model = scriptedModel({
      metadata: {
        contextWindow: 8_000,
        pricing: { inputPerMillion: 100_000, outputPerMillion: 0 },
      },
      responses: [
        { json: {}, usage: { inputTokens: 1, outputTokens: 0 } },
        { json: {}, usage: { inputTokens: 2, outputTokens: 0 } },
      ],
    });
    const agent = createAgent({ machine, models: { fast: model } });
    const { tracerProvider, spans } = tracing();
    instrumentAgent(agent, { tracerProvider, meterProvider: false });
    const outcome = await agent.run({ input: undefined });
    expect(outcome.usage.costUsd).toBe(0.3);
    const [run] = named(spans(), 'invoke_agent pricey');
    expect(run?.attributes['agentchart.cost_usd']).toBe(outcome.usage.costUsd);
    expect(run?.attributes['agentchart.thread.cost_usd']).toBe(outcome.usage.costUsd);
  });

  it('marks a run handed back by close() as handed_back, not stopped: it goes on elsewhere (issue 12)', async () => {
    const slow = scriptedModel({ latencyMs: 10_000, responses: [{ json: { relevant: true } }] });
    const agent = createAgent({ machine: triage, models: { fast: slow } });
    const { tracerProvider, spans } = tracing();
    instrumentAgent(agent, { tracerProvider, meterProvider: false });
    const calling = new Promise((resolve) => agent.events.on('llm.call.start', resolve));
    const handle = agent.start({ threadId: 'moving', input: undefined });
    await calling;
    await agent.close({ timeoutMs: 1 });
    expect(await handle.result()).toMatchObject({ status: 'stopped', handedBack: true });
    expect(named(spans(), 'invoke_agent triage')[0]?.attributes['agentchart.run.status']).toBe(
      'handed_back',
    );
  });

  it('marks a start the store refused as refused, not failed: the thread is another run’s', async () => {
    const checkpointer = new MemoryCheckpointer();
    const owner = createAgent({ machine: triage, models: { fast: triageModel() }, checkpointer });
    expect((await owner.run({ threadId: 'taken', input: undefined })).status).toBe('done');
    const other = createAgent({ machine: triage, models: { fast: triageModel() }, checkpointer });
    const { tracerProvider, spans } = tracing();
    instrumentAgent(other, { tracerProvider, meterProvider: false });
    await expect(other.run({ threadId: 'taken', input: undefined })).rejects.toMatchObject({
      code: 'run.already_running',
    });
    expect(named(spans(), 'invoke_agent triage')[0]?.attributes['agentchart.run.status']).toBe(
      'refused',
    );
  });

  it('links the segment a thread continues in to the segment it rested in (issue 12)', async () => {
    const machine = setup({
      actors: { approve: humanWait({ prompt: () => 'Approve?', reply: z.boolean() }) },
    }).createMachine({
      id: 'approval',
      initial: 'asking',
      states: {
        asking: { invoke: { id: 'approve', src: 'approve', onDone: 'approved' } },
        approved: { type: 'final' },
      },
    });
    const { tracerProvider, spans } = tracing();
    const agent = createAgent({ machine });
    instrumentAgent(agent, { tracerProvider, meterProvider: false });
    await agent.run({ threadId: 'linked', input: undefined });
    await (await agent.send('linked', { type: 'human.reply', value: true })).result();
    const runs = named(spans(), 'invoke_agent approval');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const [index, run] of runs.entries()) {
      const previous = runs[index - 1];
      expect(run.links.map((link) => link.context.spanId)).toEqual(
        previous ? [previous.spanContext().spanId] : [],
      );
    }
  });

  describe("keeps another tenant's thread out of a traced thread's trace (issue: globex's run landed in acme's)", () => {
    const approval = setup({
      actors: { approve: humanWait({ prompt: () => 'Approve?', reply: z.boolean() }) },
    }).createMachine({
      id: 'approval',
      initial: 'asking',
      states: {
        asking: { invoke: { id: 'approve', src: 'approve', onDone: 'approved' } },
        approved: { type: 'final' },
      },
    });
    const conversation = (all: readonly ReadableSpan[], threadId: string) =>
      all.filter((span) => span.attributes['gen_ai.conversation.id'] === threadId);

    it("gives a thread whose id begins with a traced thread's and a slash a trace of its own", async () => {
      const { tracerProvider, spans } = tracing();
      const agent = createAgent({ machine: approval });
      instrumentAgent(agent, { tracerProvider, meterProvider: false, captureContent: true });
      await agent.run({ threadId: 'rev-1', tenantId: 'acme', input: undefined });
      await agent.run({ threadId: 'rev-1/globex', tenantId: 'globex', input: undefined });
      const acmeTraces = new Set(
        conversation(spans(), 'rev-1').map((s) => s.spanContext().traceId),
      );
      const globex = conversation(spans(), 'rev-1/globex');
      expect(globex.length).toBeGreaterThan(0);
      for (const span of globex) expect(acmeTraces.has(span.spanContext().traceId)).toBe(false);
      const [globexRun] = named(globex, 'invoke_agent approval');
      expect(globexRun?.parentSpanContext).toBeUndefined();
      await agent.close();
    });

    it('gives a start refused on a thread traced here a trace of its own, and that thread keeps its own', async () => {
      const { tracerProvider, spans } = tracing();
      const agent = createAgent({ machine: approval, evictWaiting: true });
      instrumentAgent(agent, { tracerProvider, meterProvider: false, captureContent: true });
      await agent.run({ threadId: 'rev-1', tenantId: 'acme', input: 'acme' });
      const [acmeFirst] = named(spans(), 'invoke_agent approval');
      await expect(
        agent.run({ threadId: 'rev-1', tenantId: 'globex', input: 'globex' }),
      ).rejects.toMatchObject({ code: 'run.already_running' });
      const refused = spans().filter(
        (span) => span.attributes['agentchart.run.status'] === 'refused',
      );
      expect(refused).toHaveLength(1);
      // Not a segment of acme's thread: no link to it, no span in its trace.
      expect(refused[0]?.links).toEqual([]);
      const refusedTrace = refused[0]?.spanContext().traceId;
      expect(refusedTrace).not.toBe(acmeFirst?.spanContext().traceId);
      // acme's thread goes on, its next segment linked to the one it rested in.
      await (await agent.send('rev-1', { type: 'human.reply', value: true })).result();
      const acmeRuns = named(conversation(spans(), 'rev-1'), 'invoke_agent approval').filter(
        (span) => span.spanContext().traceId !== refusedTrace,
      );
      expect(acmeRuns).toHaveLength(2);
      expect(acmeRuns[1]?.links.map((link) => link.context.spanId)).toEqual([
        acmeRuns[0]?.spanContext().spanId,
      ]);
      await agent.close();
    });
  });
});
