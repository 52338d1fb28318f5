import { describe, expect, it } from 'vitest';
import { emptyUsage } from '../ledger/fold-usage';
import type { RunUsage } from '../ledger/types';
import { RunLimitJudge } from './run-limits';

const usage = (used: Partial<RunUsage>): RunUsage => ({ ...emptyUsage(), ...used });
const pricing = { inputPerMillion: 1, outputPerMillion: 2 };
/** A call of 100 input tokens capped at 50 output tokens: 150 tokens, $0.0002 at `pricing`. */
const nextCall = { inputTokens: 100, maxOutputTokens: 50, pricing };

// LimitInfo.value, one rule for every limit: what the run would have used had it gone on —
// a model call refused before it is sent counted in full, otherwise what was used.
describe('RunLimitJudge', () => {
  it('reports maxModelCalls before a call with that call counted', () => {
    const judge = new RunLimitJudge({ maxModelCalls: 3 }, 0);
    expect(judge.beforeModelCall(usage({ modelCalls: 2 }), 0, nextCall)).toBeUndefined();
    expect(judge.beforeModelCall(usage({ modelCalls: 3 }), 0, nextCall)).toEqual({
      limit: 'maxModelCalls',
      value: 4,
      max: 3,
    });
  });

  it('reports maxTokens before a call with its input and output cap counted', () => {
    const judge = new RunLimitJudge({ maxTokens: 1_000 }, 0);
    expect(judge.beforeModelCall(usage({ inputTokens: 800 }), 0, nextCall)).toBeUndefined();
    const used = usage({ inputTokens: 800, outputTokens: 60 });
    expect(judge.beforeModelCall(used, 0, nextCall)).toEqual({
      limit: 'maxTokens',
      value: 1_010,
      max: 1_000,
    });
  });

  it('reports maxTokens already reached before a call with that call counted too', () => {
    const judge = new RunLimitJudge({ maxTokens: 1_000 }, 0);
    const used = usage({ inputTokens: 1_000, outputTokens: 10 });
    expect(judge.beforeModelCall(used, 0, nextCall)).toEqual({
      limit: 'maxTokens',
      value: 1_160,
      max: 1_000,
    });
  });

  it('reports maxCostUsd before a call with its priced input and output cap counted', () => {
    const judge = new RunLimitJudge({ maxCostUsd: 0.001 }, 0);
    // Already at the limit: the call's $0.0002 is still counted.
    expect(judge.beforeModelCall(usage({ costUsd: 0.001 }), 0, nextCall)).toMatchObject({
      limit: 'maxCostUsd',
      max: 0.001,
    });
    const limit = judge.beforeModelCall(usage({ costUsd: 0.001 }), 0, nextCall);
    expect(limit?.value).toBeCloseTo(0.0012, 10);
    // Under it, but the call could take it over.
    expect(judge.beforeModelCall(usage({ costUsd: 0.0009 }), 0, nextCall)?.value).toBeCloseTo(
      0.0011,
      10,
    );
  });

  it('reports maxSteps and maxWallTimeMs with what was used, before a call or after a step', () => {
    const steps = new RunLimitJudge({ maxSteps: 10 }, 0);
    expect(steps.reached(usage({ steps: 10 }), 0)).toEqual({
      limit: 'maxSteps',
      value: 10,
      max: 10,
    });
    expect(steps.beforeModelCall(usage({ steps: 10 }), 0, nextCall)).toEqual({
      limit: 'maxSteps',
      value: 10,
      max: 10,
    });
    const wall = new RunLimitJudge({ maxWallTimeMs: 1_000 }, 5_000);
    expect(wall.reached(usage({}), 6_200)).toEqual({
      limit: 'maxWallTimeMs',
      value: 1_200,
      max: 1_000,
    });
    expect(wall.beforeModelCall(usage({}), 6_000, nextCall)).toEqual({
      limit: 'maxWallTimeMs',
      value: 1_000,
      max: 1_000,
    });
    expect(wall.deadline()).toEqual({
      at: 6_000,
      limit: { limit: 'maxWallTimeMs', value: 1_000, max: 1_000 },
    });
  });

  it('reports the wrap-up grace the same way, counted from where the wrap-up began', () => {
    const judge = new RunLimitJudge({ maxModelCalls: 3, wrapUp: { maxModelCalls: 1 } }, 0);
    judge.startWrapUp(usage({ modelCalls: 3 }), 0);
    expect(judge.beforeModelCall(usage({ modelCalls: 3 }), 0, nextCall)).toBeUndefined();
    expect(judge.beforeModelCall(usage({ modelCalls: 4 }), 0, nextCall)).toEqual({
      limit: 'maxModelCalls',
      value: 2,
      max: 1,
      duringWrapUp: true,
    });
  });

  it('keeps the default grace for a wrap-up limit given as undefined', () => {
    // Before: `{ ...defaults, ...wrapUp }` let `maxModelCalls: undefined` replace the default
    // of 1, and the wrap-up could call the model without end.
    const wrapUp = { maxModelCalls: undefined, maxSteps: undefined, maxWallTimeMs: undefined };
    const judge = new RunLimitJudge({ maxModelCalls: 3, wrapUp }, 0);
    judge.startWrapUp(usage({ modelCalls: 3 }), 0);
    expect(judge.beforeModelCall(usage({ modelCalls: 4 }), 0, nextCall)).toEqual({
      limit: 'maxModelCalls',
      value: 2,
      max: 1,
      duringWrapUp: true,
    });
    expect(judge.deadline()?.at).toBe(60_000);
  });
});
