import { describe, expect, it } from 'vitest';
import { assertNewThreadId } from './thread-id';

describe('assertNewThreadId', () => {
  it('refuses an id that takes over 1,000 bytes in UTF-8, though it has fewer characters (PostgreSQL refused 900 Chinese characters with a raw index error)', () => {
    expect(() => assertNewThreadId('agent.start', '中'.repeat(900))).toThrow(
      /takes 2700 bytes in UTF-8, over the 1000 an id may take/,
    );
  });

  it('refuses a lone surrogate, which the stores would write as U+FFFD (two ids, one thread)', () => {
    expect(() => assertNewThreadId('agent.start', 'order-\udc00')).toThrow(
      /lone UTF-16 surrogate \(U\+DC00\) at position 6/,
    );
    expect(() => assertNewThreadId('agent.start', 'order-\ud83d')).toThrow(/lone UTF-16 surrogate/);
  });

  it('takes ids in any script, surrogate pairs included, up to 1,000 bytes', () => {
    for (const id of ['x'.repeat(1_000), '中'.repeat(333), 'order-😀-1', 'ü'.repeat(500)]) {
      expect(() => assertNewThreadId('agent.start', id)).not.toThrow();
    }
  });
});
