import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import type { ChatModel } from '../model/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';

/** A model adapter that throws a value with no string form (no prototype, so no toString). */
const unprintable: ChatModel = {
  modelName: 'unprintable',
  endpoint: 'test:unprintable',
  metadata: { contextWindow: 8_000 },
  async generate() {
    throw Object.create(null);
  },
};

describe('a model adapter that throws a value that cannot be printed', () => {
  it('fails the run with a typed error saying so, instead of breaking the reliability policy', async () => {
    const machine = setup({
      actors: {
        ask: structuredCall({ model: 'm', schema: z.object({ a: z.string() }), prompt: () => 'x' }),
      },
    }).createMachine({
      id: 'asker',
      initial: 'asking',
      states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
    });
    const agent = createAgent({
      machine,
      models: { m: unprintable },
      checkpointer: new MemoryCheckpointer(),
    });
    const outcome = await agent.run({ input: undefined });
    expect(outcome.status).toBe('failed');
    expect(outcome).toMatchObject({
      error: {
        code: 'model.unknown',
        message: expect.stringContaining('a value that cannot be printed'),
      },
    });
    await agent.close();
  });
});
