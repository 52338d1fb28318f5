import { agentFactory, createAgent, humanWait } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';
import { hostilePage } from './hostile-agent';

const waitingMachine = setup({
  actors: {
    ask: humanWait({
      prompt: () => `Publish this page? ${hostilePage}`,
      reply: z.object({ ok: z.boolean() }),
    }),
  },
}).createMachine({
  id: 'hostile-wait',
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'ask', input: () => undefined, onDone: 'done' } },
    done: { type: 'final' },
  },
});

/** A thread that waits on a person with the page in its question. */
export const hostileWait = agentFactory((host) =>
  createAgent({ machine: waitingMachine, ...host }),
);
