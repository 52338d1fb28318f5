import { describe, expect, it } from 'vitest';
import { argumentsHash } from './arguments-hash';

class Recipient {
  constructor(readonly address: string) {}
}

describe('argumentsHash', () => {
  it('hashes two different URLs or dates differently, as what their toJSON writes (review finding: both were {})', () => {
    const good = argumentsHash('post_webhook', { url: new URL('https://good.example/hook') });
    const evil = argumentsHash('post_webhook', { url: new URL('https://evil.example/steal') });
    expect(good).not.toBe(evil);
    expect(good).toBe(argumentsHash('post_webhook', { url: 'https://good.example/hook' }));
    expect(argumentsHash('t', { at: new Date(0) })).not.toBe(
      argumentsHash('t', { at: new Date(1) }),
    );
  });

  it('refuses arguments JSON cannot write as they are, saying where and what to do', () => {
    const refused = [
      [{ tags: new Map([['record-1', 'delete']]) }, ['tags'], 'a Map'],
      [{ ids: new Set([1]) }, ['ids'], 'a Set'],
      [{ to: [new Recipient('eve@evil.example')] }, ['to', 0], 'a Recipient'],
      [{ amount: 10n }, ['amount'], 'BigInt 10n'],
      [{ amount: Number.POSITIVE_INFINITY }, ['amount'], 'Infinity'],
      [{ callback: () => 1 }, ['callback'], 'function'],
    ] as const;
    for (const [args, path, what] of refused) {
      expect(() => argumentsHash('tag_records', args)).toThrow(
        expect.objectContaining({
          code: 'approval.arguments_not_json',
          details: expect.objectContaining({ tool: 'tag_records', path }),
          message: expect.stringContaining(what),
        }),
      );
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => argumentsHash('t', cycle)).toThrow(/cycle/);
  });
});
