import { createAgent, toolLoop, MemoryCheckpointer } from '@agentchart/core';
import { singleAttemptPolicy } from '@agentchart/core/reliability';
import { setup, assign } from 'xstate';
import { reactModel, runReactAgent } from './workloads/react5/react5';
import { boundedMemoryCheckpointer } from './stores/bounded-memory-checkpointer';
import { addTool, question } from './workloads/react5/react-script';

function agentWith(model: any, opts: any) {
  const machine = setup({
    types: { context: {} as { answer: string; toolCalls: number } },
    actors: { loop: toolLoop({ model: 'scripted', tools: [addTool], prompt: (text: string) => text }) },
  }).createMachine({
    id: 'react5', context: { answer: '', toolCalls: 0 }, initial: 'working',
    states: {
      working: { invoke: { src: 'loop', input: question, onDone: { target: 'done', actions: assign({
        answer: ({ event }) => event.output.content, toolCalls: ({ event }) => event.output.toolCalls }) } } },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
  return createAgent({ machine, models: { scripted: model }, checkpointer: boundedMemoryCheckpointer(), ...opts });
}
const variants: Record<string, any> = {
  base: {},
  nofence: { fenceUntrusted: false },
  single: { modelPolicy: singleAttemptPolicy },
  nofreeze: { freezeContext: false },
  fencesingle: { fenceUntrusted: false, modelPolicy: singleAttemptPolicy },
  all: { fenceUntrusted: false, modelPolicy: singleAttemptPolicy, freezeContext: false },
};
const built = Object.entries(variants).map(([name, opts]) => { const model = reactModel(); return { name, model, agent: agentWith(model, opts), times: [] as number[] }; });
for (const b of built) for (let i = 0; i < 300; i++) await runReactAgent(b.agent, b.model);
for (let round = 0; round < 40; round++) {
  for (const b of built) {
    const t = process.cpuUsage();
    for (let i = 0; i < 100; i++) await runReactAgent(b.agent, b.model);
    const d = process.cpuUsage(t); b.times.push((d.user + d.system) / 100);
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const base = med(built[0].times);
for (const b of built) console.log(b.name.padEnd(10), med(b.times).toFixed(0), 'µs', (med(b.times) / base).toFixed(3));
