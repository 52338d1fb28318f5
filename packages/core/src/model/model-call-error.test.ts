import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import { singleAttemptPolicy } from '../reliability/types';
import { scriptedModel } from '../testing/scripted-model';
import { ModelCallError } from './model-call-error';

const ask = structuredCall({
  model: 'fast',
  schema: z.object({ answer: z.string() }),
  prompt: (question: string) => question,
});

const machine = setup({ actors: { ask } }).createMachine({
  id: 'asker',
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'ask', input: 'What is 2 + 2?', onDone: 'answered' } },
    answered: { type: 'final' },
  },
});

/** The failed outcome a route answers with when the model fails with `kind`. */
async function failedWith(kind: 'server_error' | 'authentication') {
  const error = new ModelCallError({ kind, message: `${kind} upstream`, status: 500 });
  const fast = scriptedModel({ handler: () => ({ error }) });
  const agent = createAgent({ machine, models: { fast }, modelPolicy: singleAttemptPolicy });
  const outcome = await agent.run({ input: {} });
  await agent.close();
  if (outcome.status !== 'failed') throw new Error(`expected failed, got ${outcome.status}`);
  return outcome.error;
}

describe('a model call error as JSON', () => {
  it('says whether retrying may help, so a failed outcome maps to a status without the kind table', async () => {
    // Before: `retryable` was a getter of the live error only, left out of toJSON, so the
    // failed outcome (and its checkpoint) carried `kind` and a route had to copy the taxonomy.
    expect(await failedWith('server_error')).toMatchObject({
      code: 'model.server_error',
      kind: 'server_error',
      retryable: true,
    });
    expect(await failedWith('authentication')).toMatchObject({
      code: 'model.authentication',
      retryable: false,
    });
  });

  it('is the live error, fields and all', () => {
    const error = new ModelCallError({
      kind: 'rate_limited',
      message: 'slow down',
      retryAfterMs: 50,
    });
    expect(error.toJSON()).toEqual({
      name: 'ModelCallError',
      code: 'model.rate_limited',
      message: 'slow down',
      kind: 'rate_limited',
      retryable: true,
      endpoint: undefined,
      status: undefined,
      retryAfterMs: 50,
    });
  });
});
