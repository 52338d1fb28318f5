import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../errors/definition-error';
import { capToolOutput } from './cap-tool-output';
import { estimateTokenCounter } from './create-token-counter';

describe('capToolOutput', () => {
  it('refuses a cap that would replace the whole output with its marker', () => {
    // Each was taken, and 0 of 100,000 characters reached the model.
    const output = 'x'.repeat(100_000);
    const refused: [object, RegExp][] = [
      [{ maxTokens: Number.NaN }, /maxTokens is NaN/],
      [{ maxTokens: -1 }, /maxTokens is -1/],
      [{ maxTokens: 0 }, /maxTokens is 0/],
      [{ maxTokens: '5' }, /maxTokens is the string "5"/],
      [{ maxToken: 100 }, /maxToken is not an option; did you mean maxTokens\?/],
      [{ maxTokens: 100, keep: 'tail' }, /keep is the string "tail"/],
    ];
    for (const [options, message] of refused) {
      const capped = () => capToolOutput(output, options as never);
      expect(capped).toThrow(DefinitionError);
      expect(capped).toThrow(message);
    }
    expect(capToolOutput(output, { maxTokens: 100 }).keptCharacters).toBeGreaterThan(0);
  });

  it('leaves a small output as it is', () => {
    expect(capToolOutput('{"ok":true}', { maxTokens: 100 })).toEqual({
      content: '{"ok":true}',
      truncated: false,
      originalCharacters: 11,
      keptCharacters: 11,
    });
  });

  it('caps a 10 MB output to its token budget with a marker the model reads', () => {
    const line =
      '2025-01-01T00:00:00Z INFO request handled in 12 ms path=/api/items/42 status=200\n';
    const output = line.repeat(Math.ceil(10_000_000 / line.length)) + 'ERROR disk full at the end';
    const result = capToolOutput(output, { maxTokens: 2_000, tool: 'read_log' });
    expect(result.truncated).toBe(true);
    expect(result.originalCharacters).toBeGreaterThan(10_000_000);
    expect(estimateTokenCounter.countText(result.content)).toBeLessThanOrEqual(2_000);
    expect(result.content).toMatch(
      /truncated by agentchart: \d+ of \d+ characters of "read_log" tool output omitted/,
    );
    expect(result.content.startsWith('2025-01-01')).toBe(true);
    expect(result.content.endsWith('ERROR disk full at the end')).toBe(true);
  });

  it('cuts around the stretches it is told to keep whole, at the head and at the tail', () => {
    const output = `${'a'.repeat(300)}SECRET-ONE${'b'.repeat(5_000)}SECRET-TWO${'c'.repeat(100)}`;
    const plain = capToolOutput(output, { maxTokens: 200 });
    const headEnd = plain.content.indexOf('\n[…');
    const tailStart = output.length - (plain.content.length - plain.content.indexOf('…]\n') - 3);
    // Stretches around where the plain cuts fell, overlapping one another at the head.
    const spans: [number, number][] = [
      [headEnd - 5, headEnd + 5],
      [headEnd - 8, headEnd - 2],
      [tailStart - 4, tailStart + 4],
    ];
    const capped = capToolOutput(output, { maxTokens: 200, keepWhole: () => spans });
    expect(capped.content.startsWith(output.slice(0, headEnd - 8))).toBe(true);
    expect(capped.content.indexOf('\n[…')).toBe(headEnd - 8);
    expect(capped.content.endsWith(output.slice(tailStart + 4))).toBe(true);
    expect(capped.keptCharacters).toBe(plain.keptCharacters - 8 - 4);
    expect(() => capToolOutput(output, { maxTokens: 200, keepWhole: [] as never })).toThrow(
      'capToolOutput: keepWhole is a list of 0.',
    );
  });

  it('keeps only the head when asked', () => {
    const result = capToolOutput('x '.repeat(50_000), { maxTokens: 500, keep: 'head' });
    expect(result.content.endsWith('ask for a narrower result …]\n')).toBe(true);
    expect(result.keptCharacters).toBeGreaterThan(0);
  });
});
