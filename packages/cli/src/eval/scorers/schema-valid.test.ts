import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { schemaValid } from './schema-valid';
import { scoreInput } from './testing';

describe('schemaValid', () => {
  const schema = z.object({ score: z.number().max(10) });

  it('passes output that matches the schema and names the issues of one that does not', () => {
    expect(schemaValid(schema).score(scoreInput(undefined, { score: 3 }))).toEqual({
      score: 1,
      pass: true,
    });
    expect(schemaValid(schema).score(scoreInput(undefined, { score: 11 }))).toMatchObject({
      pass: false,
      reason: expect.stringMatching(/^score: /),
    });
  });
});
