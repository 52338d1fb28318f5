import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createResponseCache } from '../cache/create-response-cache';
import { structuredCall } from '../effects/structured-call';
import { createReliabilityPolicy } from '../reliability/create-reliability-policy';
import { modelError } from '../reliability/testing/fake-chat-model';
import type { ModelCallPolicy } from '../reliability/types';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';

describe('cacheStep', () => {
  it("does not store a fallback model's answer under the primary's key (issue 9)", async () => {
    const cache = createResponseCache();
    const primary = scriptedModel({ modelName: 'strong', responses: [{ json: { a: 'strong' } }] });
    const fallback = scriptedModel({ modelName: 'cheap', responses: [{ json: { a: 'cheap' } }] });
    let primaryDown = true;
    // The primary is down for the first call only: the policy falls back to the next model.
    const policy: ModelCallPolicy = {
      async call({ models, request, signal }) {
        const model = primaryDown ? models[1]! : models[0]!;
        primaryDown = false;
        return { response: await model.generate(request, { signal }), model, attempts: 1 };
      },
    };
    const logic = structuredCall({
      model: 'm',
      schema: z.object({ a: z.string() }),
      prompt: () => 'q',
    });
    const options = { models: { m: [primary, fallback] }, cache, modelPolicy: policy };
    const first = await runEffect(logic, undefined, options);
    expect(first.output).toEqual({ a: 'cheap' });
    const second = await runEffect(logic, undefined, options);
    expect(second.output).toEqual({ a: 'strong' });
    // The primary's own answer is stored and served.
    const third = await runEffect(logic, undefined, options);
    expect(third.output).toEqual({ a: 'strong' });
    expect(primary.requests).toHaveLength(1);
  });

  it("shares the fallback's answer among identical calls while the primary's breaker is open, and not once it has closed", async () => {
    const cache = createResponseCache();
    const down = { primary: true };
    const primary = scriptedModel({
      modelName: 'strong',
      handler: () =>
        down.primary
          ? { error: modelError('server_error', { status: 503 }) }
          : { json: { a: 'strong' } },
    });
    const fallback = scriptedModel({
      modelName: 'cheap',
      handler: () => ({ json: { a: 'cheap' } }),
    });
    const policy = createReliabilityPolicy({
      maxAttempts: 1,
      breaker: { minimumRequests: 2, cooldownMs: 60_000 },
    });
    const ask = (question: string) =>
      runEffect(
        structuredCall({ model: 'm', schema: z.object({ a: z.string() }), prompt: () => question }),
        undefined,
        { models: { m: [primary, fallback] }, cache, modelPolicy: policy },
      );
    // Two different questions open the primary's breaker; each is answered by the fallback.
    expect((await ask('one')).output).toEqual({ a: 'cheap' });
    expect((await ask('two')).output).toEqual({ a: 'cheap' });
    expect(policy.status(primary.endpoint).breaker).toBe('open');
    const before = fallback.requests.length;
    // Before: every identical call during the outage paid the fallback again.
    for (let n = 0; n < 5; n++) expect((await ask('three')).output).toEqual({ a: 'cheap' });
    expect(fallback.requests.length - before).toBe(1);
    expect(primary.requests).toHaveLength(2);
    // Back, with its breaker closed: the primary answers, not the fallback's stored answer.
    down.primary = false;
    const closed = createReliabilityPolicy({ maxAttempts: 1 });
    const again = await runEffect(
      structuredCall({ model: 'm', schema: z.object({ a: z.string() }), prompt: () => 'three' }),
      undefined,
      { models: { m: [primary, fallback] }, cache, modelPolicy: closed },
    );
    expect(again.output).toEqual({ a: 'strong' });
  });
});
