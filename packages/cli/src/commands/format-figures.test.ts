import { describe, expect, it } from 'vitest';
import { counted, formatUsage } from './format-figures';

describe('format figures', () => {
  it('says one call, not "1 calls", and puts separators in large counts', () => {
    expect(counted(1, 'model call')).toBe('1 model call');
    expect(counted(0, 'step')).toBe('0 steps');
    expect(counted(12_345, 'token')).toBe('12,345 tokens');
    expect(
      formatUsage({
        modelCalls: 1,
        inputTokens: 900,
        outputTokens: 334,
        costUsd: 0.00012,
        toolCalls: 1,
        steps: 4,
      }),
    ).toBe('1 model call, 1,234 tokens, $0.00012, 1 tool call, 4 steps');
  });
});
