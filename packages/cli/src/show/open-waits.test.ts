import type { JournalEntry } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { openWaits, passedDeadlineNote } from './open-waits';

/** A store whose one thread holds `entries`. */
function storeOf(entries: Partial<JournalEntry>[]) {
  return { listEffects: async () => entries as JournalEntry[], latest: async () => undefined };
}

describe('openWaits', () => {
  it("shows an approval's arguments as a person must read them to answer: look-alike and invisible characters escaped", async () => {
    const waits = await openWaits(
      storeOf([
        {
          key: 'w1',
          kind: 'human',
          status: 'started',
          startedAt: 1,
          // A Cyrillic "а" in the payee, and a right-to-left override in the amount's note.
          input: { tool: 'pay', arguments: { to: 'pаypal.com', note: 'ok\u202e' } },
        },
      ]),
      't',
    );
    // Was the JSON as it is: `pаypal.com` read as paypal.com in `waits`, `show` and the studio.
    expect(waits[0]!.prompt).toBe(
      '{"arguments":{"note":"ok\\u202e","to":"p\\u0430ypal.com"},"tool":"pay"}',
    );
  });

  it("keeps a humanWait's own prompt text as it is", async () => {
    const waits = await openWaits(
      storeOf([{ key: 'w1', kind: 'human', status: 'started', startedAt: 1, input: 'Approve?' }]),
      't',
    );
    expect(waits[0]!.prompt).toBe('Approve?');
  });

  it("names the code an approval past its deadline refuses a reply with, approval.expired, not a humanWait's", async () => {
    const waits = await openWaits(
      storeOf([
        {
          key: 'w1',
          kind: 'human',
          status: 'started',
          startedAt: 1,
          input: { tool: 'pay', arguments: { amount: 900 } },
          meta: { argumentsHash: 'h', deadline: 2 },
        },
        {
          key: 'w2',
          kind: 'human',
          status: 'started',
          startedAt: 1,
          input: 'Ok?',
          meta: { deadline: 2 },
        },
      ]),
      't',
    );
    // Was "refused (human.timeout)" for both: an approval's late reply is approval.expired.
    expect(passedDeadlineNote([waits[0]!])).toContain('refused (approval.expired)');
    expect(passedDeadlineNote([waits[1]!])).toContain('refused (human.timeout)');
    expect(passedDeadlineNote(waits)).toContain('refused (approval.expired, human.timeout)');
  });
});
