import { createOpenAITestServer, scriptedReplyHandler } from '@agentchart/openai/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCosts } from '../src/compare-costs';
import { demoAnswer } from '../src/demo-models';
import { compoundModels } from '../src/models';

/**
 * The example as with OPENAI_API_KEY and OPENAI_BASE_URL set: the real client talking to two
 * local OpenAI-compatible servers that answer as the cheap and the strong demo models.
 */
const cheap = createOpenAITestServer({
  handler: scriptedReplyHandler((request) => demoAnswer(request, 'cheap')),
});
const strong = createOpenAITestServer({
  handler: scriptedReplyHandler((request) => demoAnswer(request, 'strong')),
});
let cheapURL: string;
let strongURL: string;
beforeAll(async () => {
  [cheapURL, strongURL] = await Promise.all([cheap.start(), strong.start()]);
});
afterAll(() => Promise.all([cheap.close(), strong.close()]));

describe('router → generator → verifier against OpenAI-compatible endpoints', () => {
  it('routes, revises on the strong model and prices both with the real models’ prices', async () => {
    const env = {
      OPENAI_API_KEY: 'sk-test',
      AGENTCHART_CHEAP_MODEL: 'gpt-4o-mini',
      AGENTCHART_STRONG_MODEL: 'gpt-4o',
    };
    const models = {
      cheap: (await compoundModels({ ...env, OPENAI_BASE_URL: cheapURL })).cheap,
      strong: (await compoundModels({ ...env, OPENAI_BASE_URL: strongURL })).strong,
    };
    const comparison = await compareCosts({
      questions: ['What is 18% of 250?', 'What is 15% of 240, rounded up to the next ten?'],
      models,
    });
    expect(comparison.rows.map((row) => [row.model, row.revisions, row.compound.right])).toEqual([
      ['cheap', 0, true],
      ['strong', 1, true],
    ]);
    // The adapter knows these models' list prices: real figures, not the demo's.
    expect(comparison.strongOnlyUsd).toBeGreaterThan(0);
    expect(cheap.requests.map((request) => request.body?.model)).toContain('gpt-4o-mini');
    expect(strong.requests.every((request) => request.body?.model === 'gpt-4o')).toBe(true);
  });
});
