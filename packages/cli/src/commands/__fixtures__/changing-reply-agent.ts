import { agentFactory, createAgent, humanWait } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';

/** Which deploy the factory builds: the second adds a required `approver` to the reply. */
export const deploy = { version: 1 };

const replies = {
  1: z.object({ approved: z.boolean() }),
  2: z.object({ approved: z.boolean(), approver: z.string() }),
};

/** An approval desk whose reply schema changes between deploys (the machine's does not). */
export const desk = agentFactory((host) =>
  createAgent({
    machine: setup({
      actors: {
        approve: humanWait({
          prompt: () => 'Approve?',
          reply: replies[deploy.version as 1 | 2],
        }),
      },
    }).createMachine({
      id: 'desk',
      initial: 'asking',
      states: {
        asking: { invoke: { id: 'approve', src: 'approve', onDone: 'done' } },
        done: { type: 'final' },
      },
    }),
    ...host,
  }),
);
