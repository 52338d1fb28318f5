import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createResponseCache } from '../cache/create-response-cache';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { cascadeCall } from './cascade-call';
import { routeGenerateVerify } from './route-generate-verify';

describe('cascadeCall', () => {
  it('runs the cascade as journaled model calls of a run, cheapest first', async () => {
    const small = scriptedModel({
      modelName: 'small',
      responses: [{ json: { relevant: true, confidence: 0.5 } }],
    });
    const strong = scriptedModel({
      modelName: 'strong',
      responses: [{ json: { relevant: false, confidence: 0.95 } }],
    });
    const logic = cascadeCall({
      models: ['small', 'strong'],
      schema: z.object({ relevant: z.boolean(), confidence: z.number() }),
      prompt: (text: string) => `Relevant? ${text}`,
      escalateWhen: (output) => output.confidence < 0.7,
    });
    const result = await runEffect(logic, 'quay wall', { models: { small, strong } });
    expect(result.output).toMatchObject({ output: { relevant: false }, model: 'strong', tier: 1 });
    expect(result.outcome.usage.modelCalls).toBe(2);
    expect(small.requests[0]?.responseFormat).toMatchObject({
      type: 'json_schema',
      name: 'output',
    });
  });

  it("escalates a request too large for the cheaper model's window to the next model", async () => {
    const small = scriptedModel({
      modelName: 'small',
      metadata: { contextWindow: 64 },
      responses: [{ json: { relevant: true, confidence: 0.9 } }],
    });
    const strong = scriptedModel({
      modelName: 'strong',
      responses: [{ json: { relevant: false, confidence: 0.95 } }],
    });
    const logic = cascadeCall({
      models: ['small', 'strong'],
      schema: z.object({ relevant: z.boolean(), confidence: z.number() }),
      prompt: (text: string) => `Relevant? ${text}`,
    });
    const result = await runEffect(logic, 'quay wall '.repeat(200), {
      models: { small, strong },
    });
    expect(result.output).toMatchObject({
      output: { relevant: false },
      model: 'strong',
      tier: 1,
      escalations: [{ from: 'small', to: 'strong', reason: 'context_too_large' }],
    });
    expect(small.requests).toHaveLength(0);
    expect(strong.requests).toHaveLength(1);
  });

  it('escalates an answer nested deeper than a checkpoint keeps, as structuredCall re-asks it', async () => {
    let deep: unknown = 1;
    for (let level = 0; level < 300; level++) deep = [deep];
    const small = scriptedModel({ modelName: 'small', responses: [{ json: { data: deep } }] });
    const strong = scriptedModel({ modelName: 'strong', responses: [{ json: { data: 1 } }] });
    const logic = cascadeCall({
      models: ['small', 'strong'],
      schema: z.object({ data: z.unknown() }),
      prompt: (text: string) => `Data for ${text}`,
    });
    const result = await runEffect(logic, 'quay wall', { models: { small, strong } });
    // Before: the cheap tier's answer was kept, and a durable store then failed the run with
    // "Converting circular structure to JSON" (code `unknown`), its paid call left `started`.
    expect(result.output).toMatchObject({
      output: { data: 1 },
      model: 'strong',
      escalations: [
        {
          from: 'small',
          reason: 'invalid_output',
          detail: expect.stringMatching(/256 levels deep/),
        },
      ],
    });
  });
});

describe('cascadeCall with answers of thousands of issues', () => {
  it('fails and escalates with short reasons, every issue kept in issues', async () => {
    const wrong = { json: { xs: Array.from({ length: 5_000 }, (_, index) => `n${index}`) } };
    const small = scriptedModel({ modelName: 'small', responses: [wrong] });
    const strong = scriptedModel({ modelName: 'strong', responses: [wrong] });
    const logic = cascadeCall({
      models: ['small', 'strong'],
      schema: z.object({ xs: z.array(z.number()) }),
      prompt: () => 'Numbers?',
    });
    const { error } = await runEffect(logic, undefined, { models: { small, strong } });
    expect(error.code).toBe('output.invalid');
    expect(error.issues).toHaveLength(5_000);
    // Before: every issue was written out, ~290 KB of message and as much per escalation.
    expect(error.message.length).toBeLessThan(8_000);
    expect(error.message).toContain('xs.0: Invalid input: expected number, received string');
    expect(error.message).toContain('and 4980 more');
    const [escalation] = error.details.escalations;
    expect(escalation.detail.length).toBeLessThan(8_000);
  });
});

describe('routeGenerateVerify', () => {
  it('routes, generates, revises on a failed verdict with the issues, and returns the verified answer', async () => {
    const router = scriptedModel({
      modelName: 'router',
      responses: [{ json: { route: 'legal' } }],
    });
    const small = scriptedModel({ modelName: 'small', responses: [{ json: { answer: 'maybe' } }] });
    const strong = scriptedModel({
      modelName: 'strong',
      responses: [{ json: { answer: 'Article 12 applies.' } }],
    });
    const verifier = scriptedModel({
      modelName: 'verifier',
      responses: [
        { json: { pass: false, issues: ['cite the article'] } },
        { json: { pass: true, issues: [] } },
      ],
    });
    const logic = routeGenerateVerify({
      router: {
        model: 'router',
        prompt: (question: string, routes) => `Route (${routes.join('|')}): ${question}`,
      },
      routes: {
        legal: { models: ['small', 'strong'], prompt: (question: string) => question },
        general: { models: ['small'], prompt: (question: string) => question },
      },
      schema: z.object({ answer: z.string() }),
      verifier: {
        model: 'verifier',
        prompt: (question, output) => `Q: ${question}\nA: ${output.answer}`,
      },
    });
    const result = await runEffect(logic, 'Which article?', {
      models: { router, small, strong, verifier },
    });
    expect(result.output).toEqual({
      route: 'legal',
      output: { answer: 'Article 12 applies.' },
      verdict: { pass: true, issues: [] },
      revisions: 1,
      model: 'strong',
    });
    expect(router.requests[0]?.messages[0]?.content).toBe('Route (legal|general): Which article?');
    expect(strong.requests[0]?.messages.at(-1)?.content).toMatch(/- cite the article/);
  });

  it("does not cache a tier's invalid answer, so the next run asks that tier again (issue 9)", async () => {
    const cache = createResponseCache();
    const small = scriptedModel({
      modelName: 'small',
      responses: ['no idea', { json: { relevant: true, confidence: 0.9 } }],
    });
    const strong = scriptedModel({
      modelName: 'strong',
      responses: [{ json: { relevant: false, confidence: 0.95 } }],
    });
    const logic = cascadeCall({
      models: ['small', 'strong'],
      schema: z.object({ relevant: z.boolean(), confidence: z.number() }),
      prompt: (text: string) => `Relevant? ${text}`,
    });
    const first = await runEffect(logic, 'quay wall', { models: { small, strong }, cache });
    expect(first.output).toMatchObject({ model: 'strong', tier: 1 });
    const second = await runEffect(logic, 'quay wall', { models: { small, strong }, cache });
    expect(second.output).toMatchObject({ model: 'small', tier: 0 });
    expect(small.requests).toHaveLength(2);
  });
});
