import { type ChatModel, createAgent, humanWait, structuredCall } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { approvalsMachine } from './__fixtures__/approvals.eval';
import { defineEval } from './define-eval';
import { formatEvalTable } from './format-eval-table';
import { runEval } from './run-eval';
import { customScorer } from './scorers/custom-scorer';
import { exactMatch } from './scorers/exact-match';
import { llmJudge } from './scorers/llm-judge';

const echo = (fast?: ChatModel) => {
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
      fast:
        fast ??
        scriptedModel({
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

  it("totals an LLM judge's cost apart from the agent's, and shows it in the table (judge cost)", async () => {
    const judgeModel = scriptedModel({
      responses: Array.from({ length: 2 }, () => ({
        json: { score: 1, reason: 'same text' },
        usage: { inputTokens: 500, outputTokens: 50 },
      })),
      metadata: { contextWindow: 128_000, pricing: { inputPerMillion: 2, outputPerMillion: 10 } },
    });
    const suite = defineEval({
      name: 'echo',
      agent: echo,
      scorers: [llmJudge({ model: judgeModel, criteria: 'The text is echoed.' })],
    });
    const ran = await runEval({
      suite,
      cases: [
        { id: 'a', input: 'a' },
        { id: 'b', input: 'b' },
      ],
    });
    // Two verdicts of 500 tokens in at $2 and 50 out at $10 a million: $0.0015 each.
    expect(ran.variants[0]).toMatchObject({ passed: 2, scoringCostUsd: 0.003 });
    // The agent's cost is its runs' own.
    const agentCost = ran.cases.reduce((sum, result) => sum + (result.usage?.costUsd ?? 0), 0);
    expect(ran.variants[0]?.costUsd).toBeCloseTo(agentCost, 10);
    expect(agentCost).toBeLessThan(0.003);
    expect(ran.cases[0]?.scores[0]?.usage).toEqual({
      modelCalls: 1,
      inputTokens: 500,
      outputTokens: 50,
      costUsd: 0.0015,
    });
    expect(formatEvalTable(ran)).toMatch(/scoring cost +\$0\.00300/);
  });

  it("totals the agent's cost rounded as every cost is summed, not as a float sum (eval cost total)", async () => {
    // $0.1 and $0.2 added as floats are $0.30000000000000004 in the JSON report.
    const fast = scriptedModel({
      handler: (request) => {
        const text = request.messages.at(-1)?.content ?? '';
        return {
          json: { text },
          usage: { inputTokens: text === 'a' ? 100_000 : 200_000, outputTokens: 0 },
        };
      },
      metadata: { contextWindow: 1_000_000, pricing: { inputPerMillion: 1, outputPerMillion: 1 } },
    });
    const suite = defineEval({
      name: 'echo',
      agent: () => echo(fast),
      scorers: [customScorer('any', () => true)],
    });
    const ran = await runEval({
      suite,
      cases: [
        { id: 'a', input: 'a' },
        { id: 'b', input: 'b' },
      ],
    });
    expect(ran.cases.map((result) => result.usage?.costUsd)).toEqual([0.1, 0.2]);
    expect(ran.variants[0]?.costUsd).toBe(0.3);
  });
});

describe('runEval with repeat', () => {
  it('runs each case repeat times, counts every run, and names the flaky cases (eval repeat)', async () => {
    let judged = 0;
    const suite = defineEval({
      name: 'echo',
      agent: echo,
      // Case a always passes; case b passes its first run only: a flaky case.
      scorers: [customScorer('steady', ({ case: row }) => row.id === 'a' || judged++ === 0)],
      concurrency: 1,
    });
    const ran = await runEval({
      suite,
      repeat: 3,
      cases: [
        { id: 'a', input: 'a' },
        { id: 'b', input: 'b' },
      ],
    });
    expect(ran.cases.map((result) => [result.caseId, result.run, result.passed])).toEqual([
      ['a', 1, true],
      ['a', 2, true],
      ['a', 3, true],
      ['b', 1, true],
      ['b', 2, false],
      ['b', 3, false],
    ]);
    expect(ran.variants[0]).toMatchObject({ cases: 6, passed: 4, flakyCases: 1, modelCalls: 6 });
    const table = formatEvalTable(ran);
    expect(table).toMatch(/^a +✓ 3\/3 1\.00$/m);
    expect(table).toMatch(/^b +✗ 1\/3 0\.33$/m);
    expect(table).toMatch(/^flaky cases +1$/m);
    expect(table).toContain('  b #2 [default] steady:');
  });

  it('refuses a repeat that is not a whole number of 1 or more', async () => {
    const suite = defineEval({ name: 'echo', agent: echo, scorers: [exactMatch()] });
    await expect(runEval({ suite, repeat: 0, cases: [{ id: 'a', input: 'a' }] })).rejects.toThrow(
      'runEval: repeat is the number 0',
    );
  });

  it('refuses a concurrency that ran no case, and a variant the suite does not define', async () => {
    const suite = defineEval({ name: 'echo', agent: echo, scorers: [exactMatch()] });
    const cases = [{ id: 'a', input: 'a' }];
    // NaN ran no case and reported cases: 0, passRate: 0; 'nosuch' ran and was reported passing.
    await expect(runEval({ suite, concurrency: Number.NaN, cases })).rejects.toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringContaining('runEval: concurrency is the number NaN'),
    });
    await expect(runEval({ suite, variants: [], cases })).rejects.toThrow(
      /variants is an empty list/,
    );
    await expect(runEval({ suite, cases, concurency: 2 } as never)).rejects.toThrow(
      /runEval: concurency is not an option; did you mean concurrency\?/,
    );
    await expect(runEval({ suite, variants: ['nosuch'], cases })).rejects.toThrow(
      /runEval: variants "nosuch" is not defined by the suite; it defines "default"/,
    );
  });
});

describe('runEval, with a suite whose own code misbehaves', () => {
  const cases = [
    { id: 'a', input: 'a' },
    { id: 'b', input: 'b' },
  ];

  it('fails only the case whose output function throws, saying so, and runs the others (output throws)', async () => {
    const suite = defineEval({
      name: 'echo',
      agent: echo,
      output: (run, row) => {
        if (row.id === 'a') throw new Error('no field "text"');
        return run.trajectory;
      },
      scorers: [customScorer('ran', () => true)],
    });
    const { variants, cases: results } = await runEval({ suite, cases });
    expect(results.map((result) => [result.caseId, result.status, result.passed])).toEqual([
      ['a', 'error', false],
      ['b', 'done', true],
    ]);
    expect(results[0]?.error).toMatch(
      /^the suite's output function threw: no field "text"\. .*output\(run, row\)/,
    );
    expect(results[0]?.usage?.modelCalls).toBe(1);
    expect(variants[0]).toMatchObject({ cases: 2, passed: 1 });
  });

  it("says the suite's input function threw when it did, not the agent (input throws)", async () => {
    const suite = defineEval({
      name: 'echo',
      agent: echo,
      input: (row) => {
        if (row.id === 'a') throw new Error('row a has no text');
        return row.input;
      },
      scorers: [customScorer('ran', () => true)],
    });
    const { cases: results } = await runEval({ suite, cases });
    expect(results.map((result) => [result.caseId, result.status, result.error])).toEqual([
      ['a', 'error', "the suite's input function threw: row a has no text"],
      ['b', 'done', undefined],
    ]);
  });

  it('fails a case whose scorer returns no verdict, NaN or a score outside 0 to 1, naming what it returned (scorer verdicts)', async () => {
    const returning = (name: string, verdict: unknown) => ({
      name,
      score: () => verdict as { score: number; pass: boolean },
    });
    const suite = defineEval({
      name: 'echo',
      agent: echo,
      scorers: [
        returning('nothing', undefined),
        returning('nan', { score: Number.NaN, pass: true }),
        customScorer('two', () => 2),
        returning('no pass', { score: 1 }),
        customScorer('fine', () => 0.5, { passAt: 0.5 }),
      ],
    });
    const { variants, cases: results } = await runEval({ suite, cases: cases.slice(0, 1) });
    expect(results[0]?.passed).toBe(false);
    expect(results[0]?.scores.map(({ scorer, score, pass }) => [scorer, score, pass])).toEqual([
      ['nothing', 0, false],
      ['nan', 0, false],
      ['two', 0, false],
      ['no pass', 0, false],
      ['fine', 0.5, true],
    ]);
    expect(results[0]?.scores[0]?.reason).toBe(
      'the scorer returned undefined; a scorer returns { score, pass } with a score from 0 to 1 and pass true or false.',
    );
    expect(results[0]?.scores[1]?.reason).toMatch(
      /^the scorer returned \{ score: NaN, pass: true \}/,
    );
    expect(results[0]?.scores[2]?.reason).toMatch(
      /^the scorer returned \{ score: 2, pass: true \}/,
    );
    expect(Object.values(variants[0]?.scorers ?? {}).every(Number.isFinite)).toBe(true);
  });

  it('gives up on a scorer that never settles after scorerTimeoutMs, failing that case only (scorer deadline)', async () => {
    const suite = defineEval({
      name: 'echo',
      agent: echo,
      scorerTimeoutMs: 50,
      scorers: [
        { name: 'stuck', score: () => new Promise<never>(() => {}) },
        customScorer('fine', () => 1),
      ],
    });
    const { cases: results } = await runEval({ suite, cases: cases.slice(0, 2) });
    expect(results.map((result) => result.passed)).toEqual([false, false]);
    expect(results[0]?.scores[0]).toMatchObject({
      scorer: 'stuck',
      pass: false,
      reason: expect.stringContaining('did not settle within 50 ms'),
    });
    expect(results[0]?.scores[1]).toMatchObject({ scorer: 'fine', pass: true });
    expect(() => defineEval({ ...suite, scorerTimeoutMs: 0 })).toThrow(
      /scorerTimeoutMs is .*whole milliseconds/,
    );
  });
});

describe('runEval, with a variant whose agent cannot be built', () => {
  it('fails that variant case by case with what agent() threw, and still runs the others (agent throws)', async () => {
    const suite = defineEval({
      name: 'echo',
      variants: { v1: 'ok', v2: 'no key' },
      agent: (variant: string) => {
        if (variant === 'no key') throw new Error('OPENAI_API_KEY is not set');
        return echo();
      },
      output: (run) => run.trajectory,
      scorers: [exactMatch()],
    });
    const { variants, cases } = await runEval({
      suite,
      cases: [
        { id: 'a', input: 'a', expected: ['answering', 'done'] },
        { id: 'b', input: 'b', expected: ['answering', 'done'] },
      ],
    });
    expect(variants.map((variant) => [variant.variant, variant.passed, variant.cases])).toEqual([
      ['v1', 2, 2],
      ['v2', 0, 2],
    ]);
    expect(cases.filter((result) => result.variant === 'v2')).toMatchObject([
      {
        caseId: 'a',
        status: 'error',
        passed: false,
        error: 'agent("v2") threw: OPENAI_API_KEY is not set',
      },
      { caseId: 'b', status: 'error', passed: false },
    ]);
  });
});

describe('runEval, with an agent that waits for a person', () => {
  /** Asks for approval; a refusal asks again, so a chart can keep asking. */
  const approvals = () => createAgent({ machine: approvalsMachine });

  it("answers a run's waits with the row's replies, in order, and ends waiting when they run out (eval replies)", async () => {
    const suite = defineEval({
      name: 'approvals',
      agent: approvals,
      output: (run) => run.outcome.status,
      scorers: [exactMatch()],
    });
    const { cases } = await runEval({
      suite,
      cases: [
        { id: 'approved', input: 5, expected: 'done', replies: [{ approved: true }] },
        {
          id: 'second time',
          input: 6,
          expected: 'done',
          replies: [{ approved: false }, { approved: true }],
        },
        { id: 'unanswered', input: 7, expected: 'waiting', replies: [{ approved: false }] },
      ],
    });
    expect(cases.map((result) => [result.caseId, result.status, result.passed])).toEqual([
      ['approved', 'done', true],
      ['second time', 'done', true],
      ['unanswered', 'waiting', true],
    ]);
    // The path through the chart: a run restored to take a reply does not enter its state again.
    expect(cases[1]?.trajectory).toEqual(['asking', 'paid']);
  });

  it("answers from the suite's reply function, and fails a case whose chart keeps asking after 50 replies (eval replies)", async () => {
    const prompts: string[] = [];
    const suite = defineEval({
      name: 'approvals',
      agent: approvals,
      output: (run) => run.outcome.status,
      reply: (wait, row, index) => {
        prompts.push(wait.prompt);
        return { approved: row.id === 'yes' || index > 1_000 };
      },
      scorers: [exactMatch()],
    });
    const { cases } = await runEval({
      suite,
      cases: [
        { id: 'yes', input: 1, expected: 'done' },
        { id: 'never', input: 2, expected: 'done' },
      ],
    });
    expect(cases[0]).toMatchObject({ status: 'done', passed: true });
    expect(prompts[0]).toBe('Pay 1 EUR?');
    expect(cases[1]).toMatchObject({ status: 'error', passed: false });
    expect(cases[1]?.error).toMatch(/^the run still waits after 50 replies \("Pay 2 EUR\?"\)/);
  });
});

describe('runEval, with a reply the wait refuses', () => {
  it('fails the case with what the wait said, rather than hanging (eval replies)', async () => {
    const machine = setup({
      actors: {
        approve: humanWait({
          prompt: () => 'Approve?',
          reply: z.object({ approved: z.boolean() }),
        }),
      },
    }).createMachine({
      initial: 'asking',
      states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
    });
    const suite = defineEval({
      name: 'approvals',
      agent: () => createAgent({ machine, models: {} }),
      scorers: [customScorer('ran', () => true)],
    });
    const { cases } = await runEval({
      suite,
      cases: [{ id: 'a', input: undefined, replies: [{ approved: 'yes' }] }],
    });
    expect(cases[0]).toMatchObject({ status: 'error', passed: false });
    expect(cases[0]?.error).toMatch(
      /^reply 1 \(\{"approved":"yes"\}\) to "Approve\?" was refused: The reply to "Approve\?" does not match the expected shape/,
    );
  });
});
