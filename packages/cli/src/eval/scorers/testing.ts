import type { EvalRun, ScoreInput } from '../types';

/** A scorer's input for a case, with a finished run. */
export function scoreInput(
  expected: unknown,
  output: unknown,
  run: Partial<EvalRun> & { trajectorySpec?: string[] } = {},
): ScoreInput {
  const { trajectorySpec, ...rest } = run;
  return {
    case: {
      id: 'c',
      input: 'in',
      expected,
      ...(trajectorySpec ? { trajectory: trajectorySpec } : {}),
    },
    output,
    run: {
      outcome: {
        status: 'done',
        threadId: 't',
        output,
        usage: {
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          modelCalls: 0,
          toolCalls: 0,
          steps: 0,
        },
      },
      state: 'done',
      context: {},
      trajectory: [],
      prompts: [],
      ...rest,
    },
  };
}
