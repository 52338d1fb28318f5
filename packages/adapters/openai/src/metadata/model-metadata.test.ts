import { DefinitionError } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { lookupModelMetadata, resolveModelMetadata } from './model-metadata';

describe('lookupModelMetadata', () => {
  it('knows common OpenAI models', () => {
    expect(lookupModelMetadata('gpt-4.1')).toMatchObject({
      contextWindow: 1_047_576,
      maxOutputTokens: 32_768,
    });
    expect(lookupModelMetadata('gpt-5-mini')?.pricing).toEqual({
      inputPerMillion: 0.25,
      outputPerMillion: 2,
      cachedInputPerMillion: 0.025,
    });
  });

  it('finds a dated snapshot under its model, except a snapshot with its own entry', () => {
    expect(lookupModelMetadata('gpt-4o-mini-2024-07-18')).toBe(lookupModelMetadata('gpt-4o-mini'));
    expect(lookupModelMetadata('gpt-4o-2024-05-13')?.supportsJsonSchema).toBe(false);
  });

  it('returns undefined for a model it does not know', () => {
    expect(lookupModelMetadata('llama3.1:8b')).toBeUndefined();
  });
});

describe('resolveModelMetadata', () => {
  it('puts overrides on top of the known entry', () => {
    expect(resolveModelMetadata('o4-mini', { maxOutputTokens: 8_000 })).toMatchObject({
      contextWindow: 200_000,
      maxOutputTokens: 8_000,
    });
  });

  it('keeps the known entry for a field given as undefined, as one left out', () => {
    // Before: `{ ...known, ...overrides }` let `contextWindow: undefined` erase the known
    // window, and a known model was refused as "not in the built-in table".
    const known = resolveModelMetadata('o4-mini', undefined);
    expect(
      resolveModelMetadata('o4-mini', { contextWindow: undefined, maxOutputTokens: undefined }),
    ).toEqual(known);
  });

  it('throws a DefinitionError when an unknown model gets metadata without a context window', () => {
    expect(() =>
      resolveModelMetadata('llama3.1:8b', { pricing: { inputPerMillion: 0, outputPerMillion: 0 } }),
    ).toThrow(DefinitionError);
    expect(() => resolveModelMetadata('llama3.1:8b', { maxOutputTokens: 10 })).toThrow(
      /contextWindow/,
    );
  });
});
