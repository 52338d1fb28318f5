import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { manualClock } from '../testing/manual-clock';
import { SqliteCheckpointer } from './sqlite-checkpointer';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

const hour = 3_600_000;

/** One thread waiting on a person until 1 h, one on an `after` timer due at 2 h. */
async function waitingThreads() {
  const machine = setup({
    actors: {
      approve: humanWait({ prompt: () => 'Approve?', reply: z.boolean(), timeoutMs: hour }),
    },
  }).createMachine({
    id: 'upgrade',
    initial: 'start',
    states: {
      start: {
        always: [{ guard: ({ event }) => event.input?.timer === true, target: 'timer' }, 'asking'],
      },
      asking: { invoke: { src: 'approve', onDone: 'done', onError: 'done' } },
      timer: { after: { [2 * hour]: 'done' } },
      done: { type: 'final' },
    },
  });
  const agent = createAgent({ machine, checkpointer: stores.open(), clock: manualClock(0) });
  await agent.start({ threadId: 'asking', input: {} }).result();
  await agent.start({ threadId: 'timer', input: { timer: true } }).result();
  await agent.close();
}

describe('backfillWakeups', () => {
  it('gives waiting threads of a version-2 file their wake-up rows, so a scheduler wakes them (issue 10)', async () => {
    await waitingThreads();
    // Back to what version 2 wrote: no wakeups table, no run log.
    const old = new DatabaseSync(stores.path);
    old.exec(
      "DROP TABLE wakeups; DROP TRIGGER effect_log_follows_effects; DROP TABLE effect_log; UPDATE meta SET value = '2' WHERE key = 'schema_version'",
    );
    old.close();
    const upgraded = stores.open();
    expect(await upgraded.listDue({ now: 3 * hour, limit: 10 })).toEqual([
      { threadId: 'asking', wakeAt: hour },
      { threadId: 'timer', wakeAt: 2 * hour },
    ]);
  });

  it('refuses to list due threads of a version-2 file opened read-only, saying how to upgrade it (issue 10)', async () => {
    await waitingThreads();
    const old = new DatabaseSync(stores.path);
    old.exec(
      "DROP TABLE wakeups; DROP TRIGGER effect_log_follows_effects; DROP TABLE effect_log; UPDATE meta SET value = '2' WHERE key = 'schema_version'",
    );
    old.close();
    const reader = new SqliteCheckpointer({ path: stores.path, readOnly: true });
    try {
      await expect(reader.listDue({ now: 3 * hour, limit: 10 })).rejects.toMatchObject({
        code: 'checkpoint.unsupported_schema',
        message: expect.stringContaining('Open it once without readOnly'),
      });
    } finally {
      reader.close();
    }
  });
});
