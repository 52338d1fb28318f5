import { describe, expect, it } from 'vitest';
import { conflictMessage, leaseHeldMessage } from './conflict-messages';

describe('leaseHeldMessage', () => {
  it('names the holder and the time its lease has left', () => {
    const message = leaseHeldMessage('t', { owner: 'r1', expiresAt: 61_000 }, 1_000);
    expect(message).toContain('owned by run "r1", whose lease is live for 60000 ms more');
    expect(message).toContain('(until 1970-01-01T00:01:01.000Z)');
  });

  it('tells a sender that nothing was delivered and to try again once the holder lets go', () => {
    // A reply from the service as the worker woke the thread for its deadline: was told to
    // wait out the whole lease or force, though the worker lets go within moments.
    const message = leaseHeldMessage('t', { owner: 'r1', expiresAt: 31_000 }, 1_000);
    expect(message).toContain('no event or reply was delivered');
    expect(message).toContain('lets the thread go when it comes to rest or ends');
    expect(message).toContain('try again');
  });

  it('says the holder let go since when its lease is no longer live, with no date (a released lease)', () => {
    const message = leaseHeldMessage('t', { owner: 'r1', expiresAt: 0 }, 1_796_505_382_776);
    expect(message).toContain('was owned by run "r1" when this run asked for it');
    expect(message).toContain('try again');
    expect(message).not.toMatch(/1970|0 ms more/);
  });
});

describe('conflictMessage', () => {
  it('sends a start under a taken id to resume only a thread that has not ended', () => {
    // Before: "If the thread is yours, continue it with agent.resume(…)", also for a client
    // retrying the id of a thread its disconnect had stopped, which resume refuses.
    const message = conflictMessage('order-7', 4, 1);
    expect(message).toContain('waiting or running, continue it with agent.resume("order-7")');
    expect(message).toContain('one that ended (done, failed, limit, stopped) runs no more');
    expect(message).not.toContain('checkpoint 4');
  });
});
