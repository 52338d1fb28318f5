import { toolLoop } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { registryLookup } from './registry';

/** A child agent: looks the vendor up in the registry and writes what it found. */
export const researcher = setup({
  types: {
    input: {} as { vendor: string },
    context: {} as { vendor: string; notes?: string },
  },
  actors: {
    research: toolLoop({
      model: 'fast',
      tools: [registryLookup],
      system:
        'You research vendors. Look the vendor up in the registry, then sum up what you found in two sentences.',
      prompt: (vendor: string) => `Research the vendor "${vendor}".`,
      maxSteps: 4,
      maxOutputTokens: 300,
    }),
  },
}).createMachine({
  id: 'researcher',
  context: ({ input }) => ({ vendor: input.vendor }),
  initial: 'researching',
  states: {
    researching: {
      invoke: {
        src: 'research',
        input: ({ context }) => context.vendor,
        onDone: {
          target: 'done',
          actions: assign({ notes: ({ event }) => event.output.content }),
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ notes: context.notes ?? '' }),
});
