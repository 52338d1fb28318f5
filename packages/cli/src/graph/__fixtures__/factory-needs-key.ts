import { agentFactory, createAgent } from '@agentchart/core';
import { setup } from 'xstate';

/** The chart, exported as well as the factory: drawing it needs no model. */
export const machine = setup({}).createMachine({
  id: 'keyed',
  initial: 'asking',
  states: { asking: { on: { DONE: 'done' } }, done: { type: 'final' } },
});

/** A factory that makes its model as an agent module does, from the environment. */
export const keyed = agentFactory((host) => {
  if (!process.env.AGENTCHART_FIXTURE_KEY) {
    throw new Error('openAIChatModel: no API key for model "gpt-4o-mini". Set OPENAI_API_KEY.');
  }
  return createAgent({ machine, ...host });
});
