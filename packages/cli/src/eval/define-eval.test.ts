import { describe, expect, it } from 'vitest';
import { defineEval } from './define-eval';
import { exactMatch } from './scorers/exact-match';

/** Never built: defineEval only declares the suite. */
const agent = (): never => {
  throw new Error('the agent is not built by defineEval');
};

describe('defineEval', () => {
  it('refuses a misspelt option instead of running without the gate it names', () => {
    expect(() =>
      defineEval({ name: 'triage', agent, scorers: [exactMatch()], minPassrate: 0.9 } as never),
    ).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringContaining('minPassrate is not an option; did you mean minPassRate?'),
      }),
    );
  });

  it('refuses a minPassRate that is not a share from 0 to 1', () => {
    expect(() =>
      defineEval({ name: 'triage', agent, scorers: [exactMatch()], minPassRate: 90 }),
    ).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringContaining('minPassRate is the number 90'),
      }),
    );
  });

  it('refuses a suite without an agent function or scorers with a typed error', () => {
    for (const suite of [
      { name: 'triage', agent: 'triage-agent', scorers: [exactMatch()] },
      { name: 'triage', agent, scorers: [] },
    ]) {
      expect(() => defineEval(suite as never)).toThrow(
        expect.objectContaining({ code: 'definition.invalid_option' }),
      );
    }
  });

  it('refuses a scorer that is not one, empty variants, a bad concurrency or output (issue 9)', () => {
    const suite = { name: 'triage', agent, scorers: [exactMatch()] };
    const refused = (extra: Record<string, unknown>, message: RegExp) =>
      expect(() => defineEval({ ...suite, ...extra } as never)).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringMatching(message),
        }),
      );
    refused({ scorers: [exactMatch(), () => true] }, /scorers\[1\] is not a scorer/);
    refused({ variants: {} }, /variants must name at least one variant/);
    refused({ concurrency: 0 }, /concurrency is the number 0/);
    refused({ output: 'context' }, /output must be a function/);
  });

  it('accepts every documented option', () => {
    const suite = defineEval({
      name: 'triage',
      agent,
      variants: { v1: 1 },
      input: (row) => row.input,
      output: (run) => run.context,
      scorers: [exactMatch()],
      concurrency: 2,
      minPassRate: 0.9,
    });
    expect(suite.minPassRate).toBe(0.9);
  });
});
