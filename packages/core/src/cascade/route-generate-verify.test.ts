import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { scriptedModel } from '../testing/scripted-model';
import { routeGenerateVerify } from './route-generate-verify';

describe('routeGenerateVerify with a verifier that reports thousands of problems', () => {
  it('sends the generator the first of them, cut short, and a count of the rest', async () => {
    const router = scriptedModel({ responses: [{ json: { route: 'general' } }] });
    const generator = scriptedModel({
      responses: [{ json: { answer: 'first' } }, { json: { answer: 'second' } }],
    });
    const problems = Array.from({ length: 5_000 }, (_, index) => `${index}: ${'x'.repeat(1_000)}`);
    const verifier = scriptedModel({
      responses: [
        { json: { pass: false, issues: problems } },
        { json: { pass: true, issues: [] } },
      ],
    });
    const machine = setup({
      actors: {
        answer: routeGenerateVerify({
          router: { model: 'router', prompt: (question: string) => question },
          routes: { general: { models: ['generator'], prompt: (question: string) => question } },
          schema: z.object({ answer: z.string() }),
          verifier: { model: 'verifier', prompt: (question) => question },
        }),
      },
    }).createMachine({
      id: 'verified',
      initial: 'working',
      states: {
        working: { invoke: { src: 'answer', input: 'a question', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, models: { router, generator, verifier } });
    expect((await agent.run({ input: undefined })).status).toBe('done');
    const revise = generator.requests[1]!.messages.at(-1)!.content;
    // Before: all 5,000 problems of 1,000 characters, 5 MB in one message.
    expect(revise.length).toBeLessThan(10_000);
    expect(revise).toContain('- 0: xxx');
    expect(revise).toContain('- 19: xxx');
    expect(revise).not.toContain('- 20: ');
    expect(revise).toContain('… and 4980 more');
    await agent.close();
  });
});
