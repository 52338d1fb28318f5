import { type ChatModel, createAgent, toolLoop } from '@agentchart/core';
import { connectMcpServer, type McpTransportOptions } from '@agentchart/mcp';
import { assign, setup } from 'xstate';

/** An agent that answers questions from the tools of a notes MCP server, and its connection. */
export async function notesAgent(model: ChatModel, transport: McpTransportOptions) {
  const notes = await connectMcpServer({
    transport,
    include: ['search_notes', 'add_note'],
    // search_notes only reads. add_note is left `unsafe` (the default): never retried,
    // never re-run after a crash, run one at a time.
    effects: { search_notes: 'pure' },
    timeoutMs: 10_000,
  });

  const machine = setup({
    types: {
      input: {} as { question: string },
      context: {} as { question: string; answer?: string; error?: string },
      output: {} as { answer?: string | undefined; error?: string | undefined },
    },
    actors: {
      answer: toolLoop({
        model: 'fast',
        tools: notes.tools,
        system: 'Answer from the notes only. Search them first.',
        prompt: (question: string) => question,
        maxSteps: 5,
      }),
    },
  }).createMachine({
    context: ({ input }) => ({ question: input.question }),
    initial: 'answering',
    states: {
      answering: {
        invoke: {
          src: 'answer',
          input: ({ context }) => context.question,
          onDone: {
            target: 'answered',
            actions: assign({ answer: ({ event }) => event.output.content }),
          },
          // A dead server, a step limit … reach the chart as errors.
          onError: {
            target: 'failed',
            actions: assign({ error: ({ event }) => (event.error as Error).message }),
          },
        },
      },
      answered: { type: 'final' },
      failed: { type: 'final' },
    },
    output: ({ context }) => ({ answer: context.answer, error: context.error }),
  });

  return { agent: createAgent({ machine, models: { fast: model } }), notes };
}
