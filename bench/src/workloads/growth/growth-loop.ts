import {
  type ChatMessage,
  type ChatRequest,
  createAgent,
  defineTool,
  toolLoop,
} from '@agentchart/core';
import { type ScriptedResponse, scriptedModel } from '@agentchart/core/testing';
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import { z } from 'zod';
import type { TimedVariant } from '../../measure/timed-variant';
import { boundedMemoryCheckpointer } from '../../stores/bounded-memory-checkpointer';
import { withoutFence } from '../react5/react-script';
import { growthVariant } from './growth-chain';

/** Options of {@link growthLoop}. */
export interface GrowthLoopOptions {
  /** The lengths compared: tool calls the model makes before it answers. */
  sizes: number[];
}

const addInput = z.object({ a: z.number(), b: z.number() });
const add = async ({ a, b }: z.infer<typeof addInput>) => ({ sum: a + b });
const question = 'Count with the add tool.';

/**
 * The model's side, the same for every variant and the same cost at every length: it reads
 * only the last message (a tool result, or the question) and calls `add(sum, 1)` until the
 * sum reaches `toolCalls`, then answers with it.
 */
function move(messages: readonly ChatMessage[], toolCalls: number): ScriptedResponse {
  const last = messages.at(-1)!;
  const sum =
    last.role === 'tool' ? (JSON.parse(withoutFence(last.content)) as { sum: number }).sum : 0;
  return sum < toolCalls
    ? { toolCalls: [{ name: 'add', arguments: { a: sum, b: 1 } }] }
    : { content: `sum=${sum}` };
}

function check(variant: string, answer: string, toolCalls: number): void {
  if (answer !== `sum=${toolCalls}`) {
    throw new Error(`${variant}: answered "${answer}", expected "sum=${toolCalls}"`);
  }
}

/**
 * growth: tool loops of each length in `sizes` (model → tool → model …), the conversation
 * growing by two messages a round. µs per model call at 5, 50 and 200 tool calls, timed in
 * the same rounds, shows whether a call costs the same late in a long loop as early in a
 * short one.
 */
export function growthLoop({ sizes }: GrowthLoopOptions): TimedVariant[] {
  return sizes.flatMap((toolCalls) => loopOfLength(toolCalls));
}

function loopOfLength(toolCalls: number): TimedVariant[] {
  const modelCalls = toolCalls + 1;
  const name = (family: string) => growthVariant(family, toolCalls, 'tool calls');
  const model = () =>
    scriptedModel({ handler: (request: ChatRequest) => move(request.messages, toolCalls) });
  return [
    {
      variant: name('hand-written loop (floor)'),
      steps: modelCalls,
      note: 'same scripted model; tool arguments parsed and zod-validated',
      setup: async () => {
        const scripted = model();
        return {
          run: async () => {
            const messages: ChatMessage[] = [{ role: 'user', content: question }];
            for (;;) {
              const response = await scripted.generate(
                { messages: [...messages] },
                { signal: new AbortController().signal },
              );
              scripted.requests.length = 0;
              if (response.toolCalls.length === 0) {
                check('hand-written loop', response.content, toolCalls);
                return;
              }
              messages.push({ role: 'assistant', content: '', toolCalls: response.toolCalls });
              for (const call of response.toolCalls) {
                const result = await add(addInput.parse(JSON.parse(call.arguments)));
                messages.push({
                  role: 'tool',
                  toolCallId: call.id,
                  name: call.name,
                  content: JSON.stringify(result),
                });
              }
            }
          },
        };
      },
    },
    {
      variant: name('raw XState'),
      steps: modelCalls,
      setup: async () => {
        const scripted = model();
        const machine = setup({
          types: { context: {} as { messages: ChatMessage[]; answer: string } },
          actors: {
            think: fromPromise(({ input }: { input: ChatMessage[] }) =>
              scripted.generate({ messages: input }, { signal: new AbortController().signal }),
            ),
            act: fromPromise(async ({ input }: { input: ChatMessage }) => {
              const results: ChatMessage[] = [];
              for (const call of input.role === 'assistant' ? (input.toolCalls ?? []) : []) {
                const result = await add(addInput.parse(JSON.parse(call.arguments)));
                results.push({
                  role: 'tool',
                  toolCallId: call.id,
                  name: call.name,
                  content: JSON.stringify(result),
                });
              }
              return results;
            }),
          },
        }).createMachine({
          id: 'loop',
          context: { messages: [{ role: 'user', content: question }], answer: '' },
          initial: 'thinking',
          states: {
            thinking: {
              invoke: {
                src: 'think',
                input: ({ context }) => context.messages,
                onDone: [
                  {
                    guard: ({ event }) => event.output.toolCalls.length === 0,
                    target: 'done',
                    actions: assign({ answer: ({ event }) => event.output.content }),
                  },
                  {
                    target: 'acting',
                    actions: assign({
                      messages: ({ context, event }) => [
                        ...context.messages,
                        { role: 'assistant', content: '', toolCalls: event.output.toolCalls },
                      ],
                    }),
                  },
                ],
              },
            },
            acting: {
              invoke: {
                src: 'act',
                input: ({ context }) => context.messages.at(-1)!,
                onDone: {
                  target: 'thinking',
                  actions: assign({
                    messages: ({ context, event }) => [...context.messages, ...event.output],
                  }),
                },
              },
            },
            done: { type: 'final' },
          },
          output: ({ context }) => context.answer,
        });
        return {
          run: async () => {
            const answer = await toPromise(createActor(machine).start());
            scripted.requests.length = 0;
            check('raw XState', String(answer), toolCalls);
          },
        };
      },
    },
    {
      variant: name('agentchart (toolLoop)'),
      steps: modelCalls,
      note: 'one state invoking toolLoop: every model call budgeted, hashed, journaled, under the reliability policy',
      setup: async () => {
        const scripted = model();
        const addTool = defineTool({
          name: 'add',
          description: 'Adds two numbers.',
          input: addInput,
          output: z.object({ sum: z.number() }),
          effect: 'pure',
          execute: add,
        });
        const machine = setup({
          types: { context: {} as { answer: string } },
          actors: {
            loop: toolLoop({
              model: 'scripted',
              tools: [addTool],
              prompt: (text: string) => text,
              maxSteps: modelCalls,
            }),
          },
        }).createMachine({
          id: 'loop',
          context: { answer: '' },
          initial: 'working',
          states: {
            working: {
              invoke: {
                src: 'loop',
                input: question,
                onDone: {
                  target: 'done',
                  actions: assign({ answer: ({ event }) => event.output.content }),
                },
              },
            },
            done: { type: 'final' },
          },
          output: ({ context }) => context.answer,
        });
        const agent = createAgent({
          machine,
          models: { scripted },
          checkpointer: boundedMemoryCheckpointer(),
        });
        return {
          run: async () => {
            const outcome = await agent.run({ input: undefined });
            scripted.requests.length = 0;
            if (outcome.status !== 'done')
              throw new Error(`agentchart: run ended ${outcome.status}`);
            check('agentchart', String(outcome.output), toolCalls);
          },
        };
      },
    },
  ];
}
