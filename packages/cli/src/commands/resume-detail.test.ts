import { describe, expect, it } from 'vitest';
import { detailOf } from './resume';

/** True when `text` holds no half of a surrogate pair (what UTF-8 cannot carry). */
const wellFormed = (text: string) => !/\p{Surrogate}/u.test(text);

const usage = {
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  modelCalls: 0,
  toolCalls: 0,
  steps: 0,
};

describe("resume --all's detail column", () => {
  it('shows nothing for a machine done without an output (before: the word null)', () => {
    expect(detailOf({ status: 'done', threadId: 't', output: undefined, usage })).toBe('');
    expect(detailOf({ status: 'done', threadId: 't', output: null, usage })).toBe('null');
  });

  it('cuts a long prompt or error with an ellipsis, never in half of an emoji', () => {
    // 59 units of text, then an emoji across units 59 and 60: a plain slice(0, 60) ended in
    // its first half, which a terminal shows as �.
    const prompt = `${'a'.repeat(59)}😀 and more`;
    const waiting = detailOf({
      status: 'waiting',
      threadId: 't',
      usage,
      waits: [{ waitId: 'w', prompt, kind: 'human' } as never],
    });
    expect(waiting).toBe(`${'a'.repeat(59)}…`);
    expect(wellFormed(waiting)).toBe(true);
    const failed = detailOf({
      status: 'failed',
      threadId: 't',
      usage,
      error: { name: 'AgentchartError', code: 'unknown', message: `${'b'.repeat(70)}😀😀` },
    });
    expect(wellFormed(failed)).toBe(true);
    expect(failed.endsWith('…')).toBe(true);
  });
});
