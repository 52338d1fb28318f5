import type { ChatMessage, ChatModel, ChatResponse, ToolCallRequest } from '@agentchart/core';
import { assign, fromPromise, setup } from 'xstate';
import { addDefinition, runToolCalls } from './hand-loop';
import { question } from './react-script';

interface ReactContext {
  messages: ChatMessage[];
  toolCalls: number;
  answer: string;
}

/**
 * The tool loop as a raw XState machine: `thinking` invokes the model, `acting` the tools,
 * until the model answers. The conversation lives in the machine's context.
 */
export function reactMachine(model: ChatModel) {
  return setup({
    types: { context: {} as ReactContext, output: {} as { answer: string; toolCalls: number } },
    actors: {
      think: fromPromise<ChatResponse, ChatMessage[]>(({ input, signal }) =>
        model.generate({ messages: input, tools: [addDefinition] }, { signal }),
      ),
      act: fromPromise<ChatMessage[], ToolCallRequest[]>(({ input }) => runToolCalls(input)),
    },
    guards: {
      wantsTools: ({ event }) =>
        (event as unknown as { output: ChatResponse }).output.toolCalls.length > 0,
    },
  }).createMachine({
    id: 'react',
    context: { messages: [{ role: 'user', content: question }], toolCalls: 0, answer: '' },
    initial: 'thinking',
    states: {
      thinking: {
        invoke: {
          src: 'think',
          input: ({ context }) => context.messages,
          onDone: [
            {
              guard: 'wantsTools',
              target: 'acting',
              actions: assign({
                messages: ({ context, event }) => [
                  ...context.messages,
                  {
                    role: 'assistant',
                    content: event.output.content,
                    toolCalls: event.output.toolCalls,
                  },
                ],
              }),
            },
            {
              target: 'done',
              actions: assign({ answer: ({ event }) => event.output.content }),
            },
          ],
        },
      },
      acting: {
        invoke: {
          src: 'act',
          input: ({ context }) => {
            const last = context.messages[context.messages.length - 1];
            return last?.role === 'assistant' ? (last.toolCalls ?? []) : [];
          },
          onDone: {
            target: 'thinking',
            actions: assign({
              messages: ({ context, event }) => [...context.messages, ...event.output],
              toolCalls: ({ context, event }) => context.toolCalls + event.output.length,
            }),
          },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => ({ answer: context.answer, toolCalls: context.toolCalls }),
  });
}
