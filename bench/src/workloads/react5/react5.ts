import { createAgent, toolLoop } from '@agentchart/core';
import { type ScriptedModel, scriptedModel } from '@agentchart/core/testing';
import type { BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { assign, createActor, setup, toPromise } from 'xstate';
import { ScriptedChatModel } from '../../langchain/scripted-chat-model';
import { timeCases } from '../../measure/time-cases';
import { boundedMemoryCheckpointer } from '../../stores/bounded-memory-checkpointer';
import type { Row } from '../../types';
import { handLoop } from './hand-loop';
import { reactMachine } from './react-machine';
import {
  add,
  addInput,
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

function langGraphAgent() {
  const addLangChain = tool(async (args) => JSON.stringify(await add(args)), {
    name: 'add',
    description: 'Adds two numbers.',
    schema: addInput,
  });
  const model = new ScriptedChatModel((messages) => {
    const move = nextMove(toolContents(messages));
    return move.kind === 'call'
      ? { toolCalls: [{ name: 'add', args: move.args }] }
      : { content: move.text };
  });
  return createReactAgent({ llm: model, tools: [addLangChain] });
}

function toolContents(messages: BaseMessage[]): string[] {
  return messages.flatMap((message) =>
    message.getType() === 'tool' ? [String(message.content)] : [],
  );
}

/** react5: model → tool → model … five times on a scripted model; µs per model call. */
export async function react5({ timeMs }: { timeMs: number }): Promise<Row[]> {
  const handModel = reactModel();
  const xstateModel = reactModel();
  const xstateMachine = reactMachine(xstateModel);
  const agentModel = reactModel();
  const agent = reactAgent(agentModel);
  const graph = langGraphAgent();
  return timeCases(
    'react5',
    [
      {
        variant: 'hand-written loop (floor)',
        steps: modelCalls,
        run: async () => {
          const { answer, toolCalls } = await handLoop(handModel);
          handModel.requests.length = 0;
          checkReactResult('hand-written loop', answer, toolCalls);
        },
        note: 'same scripted model; tool arguments parsed and zod-validated',
      },
      {
        variant: 'raw XState',
        steps: modelCalls,
        run: async () => {
          const output = await toPromise(createActor(xstateMachine).start());
          xstateModel.requests.length = 0;
          checkReactResult('raw XState', output.answer, output.toolCalls);
        },
      },
      {
        variant: 'agentchart (toolLoop)',
        steps: modelCalls,
        run: () => runReactAgent(agent, agentModel),
      },
      {
        variant: 'LangGraph.js (createReactAgent)',
        steps: modelCalls,
        run: async () => {
          const { messages } = await graph.invoke({
            messages: [{ role: 'user', content: question }],
          });
          const last = messages[messages.length - 1];
          checkReactResult('LangGraph.js', String(last?.content), toolContents(messages).length);
        },
        note: 'prebuilt createReactAgent, a LangChain chat model answering from the same script',
      },
    ],
    { timeMs },
  );
}
