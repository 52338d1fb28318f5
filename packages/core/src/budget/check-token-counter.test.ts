import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { estimateTokenCounter } from './create-token-counter';

const machine = setup({}).createMachine({ id: 'm', initial: 'a', states: { a: {} } });

describe('tokenCounterResolver', () => {
  it('refuses a counter that is a Promise, saying to await it (issue 9)', () => {
    expect(() =>
      createAgent({
        machine,
        models: { m: scriptedModel() },
        tokenCounter: Promise.resolve(estimateTokenCounter) as never,
      }),
    ).toThrow(/tokenCounter is a Promise.*await tiktokenCounter/);
    expect(() =>
      createAgent({ machine, models: { m: scriptedModel() }, tokenCounter: 'tiktoken' as never }),
    ).toThrow(/tokenCounter must be a token counter/);
  });

  it('fails a call with a typed error when a per-model counter is not one (issue 9)', async () => {
    const { error } = await runEffect(
      structuredCall({ model: 'm', schema: z.object({ a: z.string() }), prompt: () => 'q' }),
      undefined,
      {
        models: { m: scriptedModel({ modelName: 'gpt-4o', responses: [{ json: { a: 'x' } }] }) },
        tokenCounter: (() => Promise.resolve(estimateTokenCounter)) as never,
      },
    );
    expect(error).toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringMatching(/tokenCounter function returned for "gpt-4o" is a Promise/),
    });
  });

  it('takes a counter, or a function of the model that returns one', async () => {
    const { output } = await runEffect(
      structuredCall({ model: 'm', schema: z.object({ a: z.string() }), prompt: () => 'q' }),
      undefined,
      {
        models: { m: scriptedModel({ responses: [{ json: { a: 'x' } }] }) },
        tokenCounter: () => estimateTokenCounter,
      },
    );
    expect(output).toEqual({ a: 'x' });
  });
});
