import { createAgent, structuredCall } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { defineEval } from './define-eval';
import { runEval } from './run-eval';
import { customScorer } from './scorers/custom-scorer';
import { exactMatch } from './scorers/exact-match';

const echo = () => {
  const machine = setup({
    types: { input: {} as string, context: {} as { text: string } },
    actors: {
      answer: structuredCall({
        model: 'fast',
        schema: z.object({ text: z.string() }),
        prompt: (text: string) => text,
      }),
    },
  }).createMachine({
    context: ({ input }) => ({ text: input }),
    initial: 'answering',
    states: {
      answering: {
        invoke: {
          src: 'answer',
          input: ({ context }) => context.text,
          onDone: 'done',
          onError: 'failed',
        },
      },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
  });
  return createAgent({
    machine,
    models: {
      fast: scriptedModel({
        // Answers slower for earlier cases, so they finish out of order.
        handler: (request) => {
          const text = request.messages.at(-1)?.content ?? '';
          return { json: { text }, latencyMs: text === 'a' ? 20 : 0 };
        },
      }),
    },
  });
};

describe('runEval', () => {
  it('lists cases in dataset order, keeps a failing scorer to its case, and totals each variant', async () => {
    const suite = defineEval({
      name: 'echo',
      agent: echo,
      output: (run) => run.trajectory,
      scorers: [
        exactMatch(),
        customScorer('strict', ({ case: row }) => {
          if (row.id === 'b') throw new Error('cannot judge b');
          return true;
        }),
      ],
    });
    const progress: string[] = [];
    const { variants, cases } = await runEval({
      suite,
      cases: [
        { id: 'a', input: 'a', expected: ['answering', 'done'] },
        { id: 'b', input: 'b', expected: ['answering', 'done'] },
        { id: 'c', input: 'c', expected: ['answering', 'failed'] },
      ],
      concurrency: 3,
      onCase: (result, done, total) => progress.push(`${done}/${total} ${result.caseId}`),
    });
    expect(progress).toEqual(['1/3 b', '2/3 c', '3/3 a']);
    expect(cases.map((result) => [result.caseId, result.passed])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
    ]);
    expect(cases[1]?.scores[1]).toEqual({
      scorer: 'strict',
      score: 0,
      pass: false,
      reason: 'the scorer failed: cannot judge b',
    });
    expect(variants).toMatchObject([{ variant: 'default', cases: 3, passed: 1, modelCalls: 3 }]);
    expect(variants[0]?.passRate).toBeCloseTo(1 / 3);
  });
});
