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

  it('refuses a pass mark, tolerance or timeout that passes everything, fails everything, or fails after the runs were paid for', () => {
    const refused = (make: () => unknown, message: RegExp) =>
      expect(make).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringMatching(message),
        }),
      );
    const judge = () => true;
    // passAt 2 failed a score of 1, -1 passed everything, and `passat` left 1 in force.
    refused(
      () => customScorer('s', judge, { passAt: 2 }),
      /customScorer "s": passAt is the number 2/,
    );
    refused(() => customScorer('s', judge, { passAt: -1 }), /passAt is the number -1/);
    refused(
      () => customScorer('s', judge, { passat: 0.5 } as never),
      /passat is not an option; did you mean passAt\?/,
    );
    refused(
      () => numericTolerance({ tolerance: Number.POSITIVE_INFINITY }),
      /tolerance must be a finite number/,
    );
    refused(
      () => numericTolerance({ tolerance: 1, relative: 'no' as never }),
      /relative must be true .* or false/,
    );
    const model = scriptedModel({ responses: [] });
    refused(() => llmJudge({ model, criteria: 'c', timeoutMs: -1 }), /llmJudge: timeoutMs is -1/);
    refused(() => llmJudge({ model, criteria: 'c', timeoutMs: Number.NaN }), /timeoutMs is NaN/);
    refused(
      () => llmJudge({ model, criteria: 'c', passAt: 7 }),
      /llmJudge: passAt is the number 7/,
    );
    refused(
      () => llmJudge({ model, criteria: 'c', name: '' }),
      /llmJudge: name is an empty string/,
    );
    refused(
      () => llmJudge({ model, criteria: 'c', policy: {} as never }),
      /llmJudge: policy is an object/,
    );
  });
});
