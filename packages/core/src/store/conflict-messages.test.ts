import { describe, expect, it } from 'vitest';
import { conflictMessage } from './conflict-messages';

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
