import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cascadeCall } from './cascade-call';
import { routeGenerateVerify } from './route-generate-verify';
import { runCascade } from './run-cascade';

const schema = z.object({ answer: z.string(), confidence: z.number() });
const prompt = (question: string) => question;

describe('checkCascadeCallOptions', () => {
  it('refuses a misspelt escalateWhen, which would keep the weakest answer (issue 9)', () => {
    expect(() =>
      cascadeCall({
        models: ['small', 'strong'],
        schema,
        prompt,
        escalateIf: () => true,
      } as never),
    ).toThrow(/cascadeCall: escalateIf is not an option.*escalateWhen/);
  });

  it('refuses an empty or malformed model list when the cascade is defined (issue 9)', async () => {
    expect(() => cascadeCall({ models: [], schema, prompt })).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringMatching(/cascadeCall: models must be a list of model aliases/),
      }),
    );
    expect(() => cascadeCall({ models: 'small' as never, schema, prompt })).toThrow(
      /models must be a list/,
    );
    // Before: accepted; the escalation asked the same model again.
    expect(() => cascadeCall({ models: ['small', 'small'], schema, prompt })).toThrow(
      /cascadeCall: models lists "small" twice/,
    );
    await expect(
      runCascade({ models: [], call: async () => never(), parse: never }),
    ).rejects.toThrow(expect.objectContaining({ code: 'definition.invalid_option' }));
  });

  it('refuses a missing prompt, a schema that is not zod and a temperature out of range (issue 9)', () => {
    expect(() => cascadeCall({ models: ['small'], schema } as never)).toThrow(
      /cascadeCall: prompt must be a function/,
    );
    expect(() => cascadeCall({ models: ['small'], schema: { a: 1 } as never, prompt })).toThrow(
      /cascadeCall: schema must be a zod schema/,
    );
    expect(() => cascadeCall({ models: ['small'], schema, prompt, temperature: 5 })).toThrow(
      /cascadeCall: temperature is 5/,
    );
    expect(() =>
      cascadeCall({ models: ['small'], schema, prompt, escalateWhen: 0.7 as never }),
    ).toThrow(/escalateWhen must be a function/);
    expect(() =>
      cascadeCall({ models: ['small'], schema, prompt, schemaName: 'an answer' }),
    ).toThrow(/cascadeCall: schemaName is the string "an answer"; providers take 1 to 64 letters/);
  });
});

describe('checkRouteGenerateVerifyOptions', () => {
  const step = { model: 'small', prompt: () => 'p' };
  const valid = {
    router: step,
    routes: { simple: { models: ['small'], prompt } },
    schema,
    verifier: step,
  };

  it('accepts a well-formed definition', () => {
    expect(() => routeGenerateVerify(valid)).not.toThrow();
  });

  it('refuses misspelt, empty and malformed parts when defined (issue 9)', () => {
    expect(() => routeGenerateVerify({ ...valid, routes: {} })).toThrow(
      /routeGenerateVerify: routes must be an object of generators/,
    );
    expect(() =>
      routeGenerateVerify({ ...valid, routes: { simple: { model: 'small', prompt } } } as never),
    ).toThrow(/routes\.simple\.model is not an option/);
    expect(() => routeGenerateVerify({ ...valid, verifier: { model: 'small' } } as never)).toThrow(
      /routeGenerateVerify verifier: prompt must be a function/,
    );
    expect(() => routeGenerateVerify({ ...valid, maxRevision: 2 } as never)).toThrow(
      /maxRevision is not an option/,
    );
    expect(() => routeGenerateVerify({ ...valid, maxRevisions: -1 })).toThrow(/maxRevisions is -1/);
  });
});

function never(): never {
  throw new Error('not called');
}
