import { createAgent, toolLoop } from '@agentchart/core';
import { type ScriptedModel, scriptedModel } from '@agentchart/core/testing';
import { assign, createActor, setup, toPromise } from 'xstate';
import type { TimedVariant } from '../../measure/timed-variant';
import { boundedMemoryCheckpointer } from '../../stores/bounded-memory-checkpointer';
import { handLoop } from './hand-loop';
import { reactMachine } from './react-machine';
import {
  addTool,
  checkReactResult,
  nextMove,
  question,
  scriptedMove,
  toolRounds,
} from './react-script';

/** Model calls in one run: five with tool calls, one answer. */
const modelCalls = toolRounds + 1;

/** The scripted model every agentchart-side variant calls: the script, read from the request. */
export function reactModel(): ScriptedModel {
  return scriptedModel({
    handler: (request) =>
      scriptedMove(
        nextMove(
          request.messages.flatMap((message) => (message.role === 'tool' ? [message.content] : [])),
        ),
      ),
  });
}

/** The agentchart variant: one state invoking core's `toolLoop` with the `add` tool. */
export function reactAgent(model: ScriptedModel) {
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
  return createAgent({
    machine,
    models: { scripted: model },
    checkpointer: boundedMemoryCheckpointer(),
  });
}

/** Runs the agentchart variant once and checks its answer. */
export async function runReactAgent(agent: ReturnType<typeof reactAgent>, model: ScriptedModel) {
  const outcome = await agent.run({ input: undefined });
  model.requests.length = 0;
  if (outcome.status !== 'done') throw new Error(`agentchart: run ended ${outcome.status}`);
  const { answer, toolCalls } = outcome.output as { answer: string; toolCalls: number };
  checkReactResult('agentchart', answer, toolCalls);
}

/** react5: model → tool → model … five times on a scripted model; µs per model call. */
export function react5(): TimedVariant[] {
  return [
    {
      variant: 'hand-written loop (floor)',
      steps: modelCalls,
      note: 'same scripted model; tool arguments parsed and zod-validated',
      setup: async () => {
        const model = reactModel();
        return {
          run: async () => {
            const { answer, toolCalls } = await handLoop(model);
            model.requests.length = 0;
            checkReactResult('hand-written loop', answer, toolCalls);
          },
        };
      },
    },
    {
      variant: 'raw XState',
      steps: modelCalls,
      setup: async () => {
        const model = reactModel();
        const machine = reactMachine(model);
        return {
          run: async () => {
            const output = await toPromise(createActor(machine).start());
            model.requests.length = 0;
            checkReactResult('raw XState', output.answer, output.toolCalls);
          },
        };
      },
    },
    {
      variant: 'agentchart (toolLoop)',
      steps: modelCalls,
      setup: async () => {
        const model = reactModel();
        const agent = reactAgent(model);
        return { run: () => runReactAgent(agent, model) };
      },
    },
    {
      variant: 'LangGraph.js (createReactAgent)',
      steps: modelCalls,
      note: 'prebuilt createReactAgent, a LangChain chat model answering from the same script',
      setup: async () => {
        const { langGraphAgent, toolContents } = await import('./react-langgraph');
        const graph = langGraphAgent();
        return {
          run: async () => {
            const { messages } = await graph.invoke({
              messages: [{ role: 'user', content: question }],
            });
            const last = messages[messages.length - 1];
            checkReactResult('LangGraph.js', String(last?.content), toolContents(messages).length);
          },
        };
      },
    },
  ];
}
