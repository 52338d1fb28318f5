/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them: checked by `scripts/typecheck-exact-optional.ts` under that setting.
 */
import { createAgent } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import {
  customScorer,
  defineEval,
  type EvalRun,
  exactMatch,
  llmJudge,
  numericTolerance,
  runEval,
  schemaValid,
  trajectory,
} from './index';

it('takes undefined for the options of a suite, its cases, scorers and runEval', async () => {
  const machine = setup({}).createMachine({ id: 'm', initial: 'a', states: { a: {} } });
  const suite = defineEval({
    name: 'triage',
    agent: () => createAgent({ machine }),
    scorers: [
      exactMatch({ path: undefined }),
      trajectory({ mode: undefined }),
      numericTolerance({ tolerance: 0.1, field: undefined, relative: undefined }),
      schemaValid(z.object({}), { name: undefined }),
      customScorer('short', () => true, { passAt: undefined }),
      llmJudge({
        model: scriptedModel(),
        criteria: 'Polite.',
        passAt: undefined,
        name: undefined,
        timeoutMs: undefined,
        policy: undefined,
        prices: undefined,
      }),
    ],
    variants: undefined,
    concurrency: undefined,
    minPassRate: undefined,
    scorerTimeoutMs: undefined,
    // Optional methods are options too: left out by undefined.
    input: undefined,
    output: undefined,
    reply: undefined,
  });
  // Still checked as methods are: a suite may read its runs' context by its own type.
  defineEval({
    name: 'typed',
    agent: () => createAgent({ machine }),
    scorers: [exactMatch()],
    output: ({ context }: EvalRun<{ label: string }>) => context.label,
  });
  await runEval({
    suite,
    cases: [
      { id: 'c1', input: {}, expected: undefined, trajectory: undefined, replies: undefined },
    ],
    variants: undefined,
    concurrency: undefined,
    repeat: undefined,
    now: undefined,
    onCase: undefined,
  });
});
