import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { exactMatch } from './exact-match';
import { llmJudge } from './llm-judge';
import { numericTolerance } from './numeric-tolerance';
import { trajectory } from './trajectory';

describe('the scorers refuse a misspelt option instead of scoring something else', () => {
  it('names the option meant, and refuses a trajectory mode that does not exist', () => {
    const refused = (make: () => unknown, message: string) =>
      expect(make).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringContaining(message),
        }),
      );
    refused(() => exactMatch({ field: 'team' } as never), 'exactMatch: field is not an option');
    refused(
      () => trajectory({ modes: 'exact' } as never),
      'trajectory: modes is not an option; did you mean mode?',
    );
    refused(() => trajectory({ mode: 'strict' } as never), "give 'exact', 'ordered' or 'includes'");
    refused(
      () => numericTolerance({ tolerance: 1, relativ: true } as never),
      'numericTolerance: relativ is not an option; did you mean relative?',
    );
    refused(
      () =>
        llmJudge({ model: scriptedModel({ responses: [] }), criteria: 'c', passat: 0.9 } as never),
      'llmJudge: passat is not an option; did you mean passAt?',
    );
  });
});
