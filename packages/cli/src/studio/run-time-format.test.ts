import { describe, expect, it } from 'vitest';
import { formatDuration, formatRunTime } from '../../web/format';

describe('the studio’s run times', () => {
  it('counts days past two of them, not hours', () => {
    expect(formatDuration(47 * 3_600_000)).toBe('47 h 00 min');
    expect(formatDuration(4 * 86_400_000 + 2 * 3_600_000)).toBe('4 d 02 h');
  });

  it('adds how long a waiting run has waited to the time it worked', () => {
    const run = { durationMs: 256, updatedAt: 1_000 };
    expect(formatRunTime({ ...run, status: 'waiting' }, 1_000 + 4 * 86_400_000)).toBe(
      '256 ms, waiting 4 d 00 h',
    );
    expect(formatRunTime({ ...run, status: 'done' }, 1_000 + 4 * 86_400_000)).toBe('256 ms');
  });
});
