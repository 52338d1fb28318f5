import { agentFactory, createAgent, humanWait } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';

// What many agent modules hold from import on: a pool, a metrics flusher, here a timer. It
// keeps Node's event loop open after the command's run has come to rest.
setInterval(() => {}, 60_000);

/** Asks a person and rests waiting: `agentchart run` prints that and exits 3. */
export const openHandleAgent = agentFactory((host) =>
  createAgent({
    machine: setup({
      actors: { ask: humanWait({ prompt: () => 'Go on?', reply: z.boolean() }) },
    }).createMachine({
      id: 'open-handle',
      initial: 'asking',
      states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
    }),
    ...host,
  }),
);
