/**
 * Overhead of observing a run, per step: the same agent and the same work (a structured call,
 * then a tool loop with two tools: 3 model calls on a scripted model with no latency, 2 tool
 * calls; checkpoints and journal in an in-memory SQLite database, the default store without
 * its disk) run with
 *   none      — nobody listens to the agent's events, and the store keeps no run log;
 *   events    — one no-op listener on every event (the stream itself: payloads are built);
 *   run log   — the store writes its run log (an effect_log row with each journal record);
 *   otel      — instrumentAgent with the SDK (a span processor that exports to nowhere, a
 *               meter provider whose reader is never collected);
 *   otel+content — the same with captureContent;
 *   inspect   — createAgentInspector recording to a callback (no network);
 *   events+log+otel — the listener, the run log and the spans together.
 * One process; rounds alternate the variants' order; CPU time of the process; an overhead is
 * the median over rounds of (variant − none) within a round. Run: pnpm --filter @agentchart/otel bench [rounds] [runsPerRound]
 */
import {
  type Agent,
  createAgent,
  defineTool,
  SqliteCheckpointer,
  structuredCall,
  toolLoop,
} from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { createAgentInspector } from '@agentchart/inspect';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { setup } from 'xstate';
import { z } from 'zod';
import { instrumentAgent } from '../src/index';

const rounds = Number(process.argv[2] ?? 21);
const runsPerRound = Number(process.argv[3] ?? 60);

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a topic up.',
  input: z.object({ topic: z.string() }),
  output: z.object({ hits: z.number() }),
  effect: 'pure',
  execute: async ({ topic }) => ({ hits: topic.length }),
});
const count = defineTool({
  name: 'count',
  description: 'Counts words.',
  input: z.object({ text: z.string() }),
  output: z.object({ words: z.number() }),
  effect: 'pure',
  execute: async ({ text }) => ({ words: text.split(' ').length }),
});

const machine = setup({
  actors: {
    classify: structuredCall({
      model: 'fast',
      schema: z.object({ relevant: z.boolean() }),
      prompt: (text: string) => `Classify: ${text}`,
    }),
    research: toolLoop({ model: 'fast', tools: [lookup, count], prompt: (text: string) => text }),
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

const model = () =>
  scriptedModel({
    handler: (request) => {
      const turn = request.messages.filter((message) => message.role === 'tool').length;
      if (request.responseFormat) return { json: { relevant: true } };
      if (turn === 0) {
        return {
          toolCalls: [
            { name: 'lookup', arguments: { topic: 'bridges' } },
            { name: 'count', arguments: { text: 'two words' } },
          ],
        };
      }
      return 'Seven hits, two words.';
    },
  });

const discard: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
};

interface Variant {
  name: string;
  agent: Agent;
}

function variants(): Variant[] {
  const make = ({
    inspect,
    runLog = false,
  }: {
    inspect?: ReturnType<typeof createAgentInspector>['inspect'];
    runLog?: boolean;
  } = {}) =>
    createAgent({
      machine,
      models: { fast: model() },
      // Every variant on the same store, a private in-memory SQLite database: what differs is
      // only what watches the run, and whether the store writes its run log.
      checkpointer: new SqliteCheckpointer({ path: ':memory:', runLog }),
      ...(inspect ? { inspect } : {}),
    }) as unknown as Agent;
  const instrument = (agent: Agent, captureContent: boolean) => {
    instrumentAgent(agent, {
      tracerProvider: new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(discard)],
      }),
      meterProvider: new MeterProvider({
        readers: [
          new PeriodicExportingMetricReader({
            exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
            exportIntervalMillis: 3_600_000,
          }),
        ],
      }),
      captureContent,
    });
    return agent;
  };
  const none = make();
  const events = make();
  events.events.onAny(() => {});
  const runLog = make({ runLog: true });
  const inspector = createAgentInspector({ url: false, onMessage: () => {} });
  const inspected = make({ inspect: inspector.inspect });
  inspector.attach(inspected);
  const all = instrument(make({ runLog: true }), false);
  all.events.onAny(() => {});
  return [
    { name: 'none', agent: none },
    { name: 'events', agent: events },
    { name: 'run log', agent: runLog },
    { name: 'otel', agent: instrument(make(), false) },
    { name: 'otel+content', agent: instrument(make(), true) },
    { name: 'inspect', agent: inspected },
    { name: 'events+log+otel', agent: all },
  ];
}

/**
 * Runs the agent `runs` times; returns the process's CPU time spent (user + system, in µs).
 * CPU time, not wall time: the machine is shared, and other processes' load moves wall time
 * far more than it moves this process's own CPU time.
 */
async function runMany(agent: Agent, runs: number): Promise<{ cpuUs: number; steps: number }> {
  let steps = 0;
  const started = process.cpuUsage();
  for (let index = 0; index < runs; index++) {
    const outcome = await agent.run({ input: undefined });
    if (
      outcome.status !== 'done' ||
      outcome.usage.modelCalls !== 3 ||
      outcome.usage.toolCalls !== 2
    ) {
      throw new Error(`unexpected outcome: ${JSON.stringify(outcome)}`);
    }
    steps += outcome.usage.steps;
  }
  const used = process.cpuUsage(started);
  return { cpuUs: used.user + used.system, steps };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const all = variants();
for (const variant of all) await runMany(variant.agent, 50); // warm-up
const perRun = new Map<string, number[]>(all.map((variant) => [variant.name, []]));
const overheadPerRun = new Map<string, number[]>(all.map((variant) => [variant.name, []]));
let stepsPerRun = 0;
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? all : [...all].reverse();
  const thisRound = new Map<string, number>();
  for (const variant of order) {
    const { cpuUs, steps } = await runMany(variant.agent, runsPerRound);
    stepsPerRun = steps / runsPerRound;
    thisRound.set(variant.name, cpuUs / runsPerRound);
  }
  // Overhead is taken within a round: the variants of one round share the machine's load.
  const base = thisRound.get('none')!;
  for (const [name, us] of thisRound) {
    perRun.get(name)!.push(us);
    overheadPerRun.get(name)!.push(us - base);
  }
}
// 3 model calls and 2 tool calls: the effect steps a run log row or a span is made for.
const effectSteps = 5;
console.log(
  `${rounds} rounds × ${runsPerRound} runs per variant; a run = ${stepsPerRun} macrosteps, ${effectSteps} effect steps (3 model calls, 2 tool calls); CPU time`,
);
console.log(
  'variant           CPU µs/run   overhead µs/run   µs/effect step   µs/macrostep   overhead',
);
const base = median(perRun.get('none')!);
for (const variant of all) {
  const run = median(perRun.get(variant.name)!);
  const extra = median(overheadPerRun.get(variant.name)!);
  console.log(
    [
      variant.name.padEnd(16),
      run.toFixed(0).padStart(11),
      extra.toFixed(0).padStart(17),
      (extra / effectSteps).toFixed(1).padStart(16),
      (extra / stepsPerRun).toFixed(1).padStart(14),
      `${((extra / base) * 100).toFixed(0)}%`.padStart(10),
    ].join(' '),
  );
}
