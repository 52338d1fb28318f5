import { describe, expect, it } from 'vitest';
import { waitSummary } from './wait-summary';

describe('waitSummary', () => {
  it('says what a waiting run asks: a prompt as it is, an approval by its tool and arguments', () => {
    expect(waitSummary('Send the bid?')).toBe('Send the bid?');
    // Was "[object Object]" in the run list for every run waiting on an approval.
    expect(waitSummary({ tool: 'pay', arguments: { amount: 40, to: 'ACME' } })).toBe(
      'approve pay {"amount":40,"to":"ACME"}',
    );
    expect(waitSummary({ question: 'Which?', options: [1, 2] })).toBe(
      '{"question":"Which?","options":[1,2]}',
    );
    expect(waitSummary(undefined)).toBe('');
  });

  it('cuts a long one to a line', () => {
    const summary = waitSummary('x'.repeat(5_000));
    expect(summary).toHaveLength(200);
    expect(summary.endsWith('…')).toBe(true);
  });
});
