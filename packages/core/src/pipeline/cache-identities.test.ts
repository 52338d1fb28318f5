import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createResponseCache } from '../cache/create-response-cache';
import { cascadeCall } from '../cascade/cascade-call';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { cacheIdentities } from './cache-identities';

const schema = z.object({ label: z.string(), confidence: z.number() });

describe('cacheIdentities', () => {
  // Before: both tiers of a cascade built from scripted models with the default name shared
  // the endpoint `scripted:scripted`, so the strong tier was served the cheap tier's cached
  // answer, and the result named the strong model as the one that gave it.
  it("keeps a cascade's strong tier from being served its cheap tier's cached answer", async () => {
    const small = scriptedModel({ handler: () => ({ json: { label: 'cheap', confidence: 0.3 } }) });
    const strong = scriptedModel({
      handler: () => ({ json: { label: 'strong', confidence: 0.9 } }),
    });
    const logic = cascadeCall({
      models: ['small', 'strong'],
      schema,
      prompt: () => 'classify',
      escalateWhen: (output) => output.confidence < 0.7,
    });
    const options = { models: { small, strong }, cache: createResponseCache() };
    const first = await runEffect(logic, undefined, options);
    expect(first.output).toMatchObject({ model: 'strong', output: { label: 'strong' } });
    expect(strong.requests).toHaveLength(1);
    // Each tier's own answer is cached: the same request again pays neither.
    const second = await runEffect(logic, undefined, options);
    expect(second.output).toMatchObject({ model: 'strong', output: { label: 'strong' } });
    expect(second.outcome.usage.costUsd).toBe(0);
    expect([small.requests.length, strong.requests.length]).toEqual([1, 1]);
  });

  it('keys a model by its endpoint alone unless another model of the agent claims it', () => {
    const a = scriptedModel({ modelName: 'a' });
    const b = scriptedModel();
    const c = scriptedModel();
    const identityOf = cacheIdentities(
      new Map([
        ['fast', [a, b]],
        ['again', [b]],
        ['strong', [c]],
      ]),
    );
    expect([identityOf(a), identityOf(b), identityOf(c)]).toEqual([
      'scripted:a',
      'scripted:scripted',
      'scripted:scripted#1',
    ]);
    // A model the agent was not given is keyed by its endpoint.
    expect(identityOf(scriptedModel({ modelName: 'x' }))).toBe('scripted:x');
  });
});
