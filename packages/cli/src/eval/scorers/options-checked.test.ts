import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { customScorer } from './custom-scorer';
import { exactMatch } from './exact-match';
import { fieldMatch } from './field-match';
import { llmJudge } from './llm-judge';
import { numericTolerance } from './numeric-tolerance';
import { schemaValid } from './schema-valid';
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

  it('refuses a missing or malformed argument with a typed error, not a TypeError mid-run (issue 9)', () => {
    const refused = (make: () => unknown, message: string) =>
      expect(make).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringContaining(message),
        }),
      );
    refused(() => fieldMatch('category' as never), 'fieldMatch: name at least one field in a list');
    refused(() => fieldMatch([]), 'fieldMatch: name at least one field');
    refused(() => llmJudge({ criteria: 'c' } as never), 'llmJudge: model must be a chat model');
    refused(
      () => llmJudge({ model: scriptedModel({ responses: [] }) } as never),
      'llmJudge: criteria must say in words',
    );
    refused(
      () => customScorer('calls' as string, undefined as never),
      'customScorer "calls": its second argument must be a function',
    );
    refused(() => schemaValid({} as never), 'schemaValid: give the zod schema');
  });
});
