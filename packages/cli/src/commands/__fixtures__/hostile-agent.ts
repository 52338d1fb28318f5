import { agentFactory, createAgent, defineTool, toolCall } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';

/**
 * A page an attacker wrote: it clears the screen and retitles the terminal, starts a row that
 * looks like the command's own, recolours with a one-byte CSI and reverses text.
 */
export const hostilePage =
  'page\u001b[2J\u001b]0;owned\u0007\r\ndone  thread x: all good \u009b31m red \u202eevil';

/** The environment variable whose value the tool's upstream echoes back. */
export const tokenVariable = 'HOSTILE_FIXTURE_SERVICE_TOKEN';

const fetchPage = defineTool({
  name: 'fetch_page',
  description: 'Reads a page; with fail, its upstream refuses the token and quotes the page.',
  effect: 'pure',
  input: z.object({ fail: z.boolean() }),
  output: z.string(),
  execute: async ({ fail }) => {
    if (fail) {
      throw new Error(`upstream refused token ${process.env[tokenVariable]}: ${hostilePage}`);
    }
    return hostilePage;
  },
});

const machine = setup({
  types: { input: {} as { fail: boolean }, context: {} as { fail: boolean; page?: string } },
  actors: { fetch: toolCall(fetchPage) },
}).createMachine({
  id: 'hostile',
  context: ({ input }) => ({ fail: input.fail }),
  initial: 'fetching',
  states: {
    fetching: {
      invoke: {
        src: 'fetch',
        input: ({ context }) => ({ fail: context.fail }),
        onDone: { target: 'done', actions: assign({ page: ({ event }) => event.output }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.page,
});

export const hostile = agentFactory((host) => createAgent({ machine, ...host }));
