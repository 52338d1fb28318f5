import { describe, expect, it } from 'vitest';
import { counted, formatCost, formatUsage } from './format-figures';

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

  // Before: a call of a cheap model ($0.000004: 20 input and 5 output tokens at $0.10 and
  // $0.40 a million) printed $0.00000, the figure of a cache hit, in runs and show.
  it('tells a cost too small for five decimals from nothing', () => {
    expect(formatCost(0.000004)).toBe('<$0.00001');
    expect(formatCost(0.000004999)).toBe('<$0.00001');
    expect(formatCost(0.000005)).toBe('$0.00001');
    expect(formatCost(0)).toBe('$0.00000');
    expect(formatCost(0.00012)).toBe('$0.00012');
  });
});
