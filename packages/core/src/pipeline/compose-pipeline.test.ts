import { describe, expect, it } from 'vitest';
import { composePipeline } from './compose-pipeline';
import type { ModelCall, ModelCallMiddleware, ModelCallOutcome } from './types';

const outcome: ModelCallOutcome = {
  response: {
    content: 'ok',
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 1, outputTokens: 1 },
  },
  model: 'scripted',
  attempts: 1,
  costUsd: 0,
  cached: false,
};
// The steps below only pass the call on: any object stands for it.
const call = { callId: 'thread/0:llm' } as ModelCall;

describe('composePipeline', () => {
  it('runs the steps in order around the last link and hands back its outcome', async () => {
    const seen: string[] = [];
    const step = (name: string): ModelCallMiddleware => ({
      name,
      call(passed, next) {
        seen.push(`${name} in`);
        return next(passed).then((result) => {
          seen.push(`${name} out`);
          return result;
        });
      },
    });
    const pipeline = composePipeline([step('first'), step('second')], async () => {
      seen.push('model');
      return outcome;
    });
    await expect(pipeline(call)).resolves.toBe(outcome);
    expect(seen).toEqual(['first in', 'second in', 'model', 'second out', 'first out']);
  });

  it('turns a step that throws before returning a promise into a rejected call the steps before it see', async () => {
    const errors: unknown[] = [];
    const observe: ModelCallMiddleware = {
      name: 'observe',
      call: (passed, next) =>
        next(passed).then(undefined, (error: unknown) => {
          errors.push(error);
          throw error;
        }),
    };
    const refuse: ModelCallMiddleware = {
      name: 'refuse',
      call() {
        throw new Error('refused before any promise');
      },
    };
    const pipeline = composePipeline([observe, refuse], async () => outcome);
    const calling = pipeline(call);
    await expect(calling).rejects.toThrow('refused before any promise');
    expect(errors).toHaveLength(1);
  });
});
