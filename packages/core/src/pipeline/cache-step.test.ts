import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createResponseCache } from '../cache/create-response-cache';
import { structuredCall } from '../effects/structured-call';
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
});
