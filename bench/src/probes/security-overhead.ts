/**
 * @module security-overhead
 * `pnpm --filter @agentchart/bench probe:security`: what fencing tool output and redacting
 * secrets cost per model call, on react5 (model → tool → model … five times, the tool's
 * output fenced on every call after the first). Variants run side by side, round by round;
 * the table gives CPU µs per model call and the ratio to the variant with neither.
 */
import {
  type ChatModel,
  createAgent,
  MemoryCheckpointer,
  type RedactionOptions,
  type RunEvent,
  toolLoop,
} from '@agentchart/core';
import { type ScriptedModel, scriptedModel } from '@agentchart/core/testing';
import { assign, setup } from 'xstate';
import { machineInfo } from '../measure/machine-info';

import {
  addTool,
  checkReactResult,
  nextMove,
  question,
  scriptedMove,
  toolRounds,
} from '../workloads/react5/react-script';

const quick = process.argv.includes('--quick');
const apiKey = `sk-${'k'.repeat(48)}`;

/** The react5 agent with the given security settings; `observed` listens to every event. */
function variant({
  fence,
  redact,
  withKey,
  observed,
}: {
  fence: boolean;
  redact: RedactionOptions;
  withKey: boolean;
  observed: boolean;
}) {
  const scripted: ScriptedModel = scriptedModel({
    handler: (request) =>
      scriptedMove(
        nextMove(
          request.messages.flatMap((message) => (message.role === 'tool' ? [message.content] : [])),
        ),
      ),
  });
  const model: ChatModel = withKey ? { ...scripted, secrets: [apiKey] } : scripted;
  const machine = setup({
    types: { context: {} as { answer: string; toolCalls: number } },
    actors: {
      loop: toolLoop({ model: 'scripted', tools: [addTool], prompt: (text: string) => text }),
    },
  }).createMachine({
    id: 'react5',
    context: { answer: '', toolCalls: 0 },
    initial: 'working',
    states: {
      working: {
        invoke: {
          src: 'loop',
          input: question,
          onDone: {
            target: 'done',
            actions: assign({
              answer: ({ event }) => event.output.content,
              toolCalls: ({ event }) => event.output.toolCalls,
            }),
          },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
  const agent = createAgent({
    machine,
    models: { scripted: model },
    // Core's own store, not the benchmarks' bounded proxy: a proxy hands out a new bound
    // method on every access, which the redacting store would bind again each time.
    checkpointer: new MemoryCheckpointer({ retainCheckpoints: 1 }),
    fenceUntrusted: fence,
    redact,
  });
  if (observed) agent.events.onAny((_event: RunEvent) => undefined);
  return async () => {
    const outcome = await agent.run({ input: undefined });
    scripted.requests.length = 0;
    if (outcome.status !== 'done') throw new Error(`run ended ${outcome.status}`);
    const { answer, toolCalls } = outcome.output as { answer: string; toolCalls: number };
    checkReactResult('agentchart', answer, toolCalls);
  };
}

const none: RedactionOptions = { environment: false };
const pii: RedactionOptions = { environment: false, patterns: ['email', 'phone', 'credit-card'] };
const cases = [
  ['neither (fence off, nothing to redact)', { fence: false, redact: none, withKey: false }],
  ['fence (default), nothing to redact', { fence: true, redact: none, withKey: false }],
  ['fence + model API key redacted', { fence: true, redact: none, withKey: true }],
  ['fence + key + 3 PII patterns', { fence: true, redact: pii, withKey: true }],
] as const;

/** CPU time (user + system, all threads) of `runs` runs of `run`, in µs per model call. */
async function cpuPerCall(run: () => Promise<void>, runs: number): Promise<number> {
  const before = process.cpuUsage();
  for (let index = 0; index < runs; index++) await run();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / (runs * (toolRounds + 1));
}

// CPU time rather than wall time: on a shared machine the wall clock mostly measures the
// other processes. Rounds take every variant in turn, in alternating order; the figure is the
// median round, and the ratio the median of the round-by-round ratios.
const rounds = quick ? 3 : 9;
const runsPerRound = quick ? 30 : 200;
const machine = machineInfo();
console.log(
  `security overhead — ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverage}${quick ? ' (quick)' : ''}, ${rounds} rounds × ${runsPerRound} runs\n`,
);
console.log('| Events | Variant | CPU µs per model call | × neither |');
console.log('|---|---|---|---|');
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const groups = [false, true].map((observed) => ({
  observed,
  runs: cases.map(([, options]) => variant({ ...options, observed })),
  figures: cases.map(() => [] as number[]),
}));
// Every variant warmed up before any is measured: the first to run would pay for the JIT.
for (const group of groups) for (const run of group.runs) await cpuPerCall(run, runsPerRound);
for (let round = 0; round < rounds; round++) {
  for (const group of groups) {
    const order = round % 2 === 0 ? [...group.runs.keys()] : [...group.runs.keys()].reverse();
    for (const index of order) {
      group.figures[index]!.push(await cpuPerCall(group.runs[index]!, runsPerRound));
    }
  }
}
for (const { observed, figures } of groups) {
  cases.forEach(([name], index) => {
    const ratios = figures[index]!.map((figure, round) => figure / figures[0]![round]!);
    console.log(
      `| ${observed ? 'observed' : 'not observed'} | ${name} | ${median(figures[index]!).toFixed(1)} | ${median(ratios).toFixed(2)} |`,
    );
  });
}
