import { createAgent, defineTool, toolCall } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';
import { defineEval } from '../define-eval';
import { exactMatch } from '../scorers/exact-match';

/** A page a tool fetched, quoted by its upstream's error: it clears the screen and fakes a line. */
export const hostilePage =
  'page\u001b[2J\u001b[H\u001b]0;PWNED\u0007\r\nagentchart: eval passed, 100% \u009b32m✓\u202e';

const fetchPage = defineTool({
  name: 'fetch_page',
  description: 'Reads a page.',
  effect: 'pure',
  input: z.object({}),
  output: z.string(),
  execute: async () => {
    throw new Error(`upstream said: ${hostilePage}`);
  },
});

/** A suite whose every run fails with an error quoting terminal escapes. */
export default defineEval({
  name: 'hostile',
  agent: () =>
    createAgent({
      machine: setup({ actors: { fetch: toolCall(fetchPage) } }).createMachine({
        id: 'hostile',
        initial: 'fetching',
        states: {
          fetching: { invoke: { src: 'fetch', input: () => ({}), onDone: 'done' } },
          done: { type: 'final' },
        },
      }),
    }),
  scorers: [exactMatch()],
});
