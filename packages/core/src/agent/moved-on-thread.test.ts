import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { humanWait } from '../effects/human-wait';
import type { Checkpointer } from '../store/types';
import { createAgent } from './create-agent';
import type { MigrateCheckpoint, MigrationVersions } from './types';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

/** Two approvals in a row; a deploy bumps the machine's `version`. */
function ordersAgent(version: string, checkpointer: Checkpointer, migrate?: MigrateCheckpoint) {
  const ask = humanWait({ prompt: () => 'Approve?', reply: z.object({ approved: z.boolean() }) });
  const machine = setup({ actors: { ask } }).createMachine({
    id: 'orders',
    version,
    initial: 'first',
    states: {
      first: { invoke: { id: 'first', src: 'ask', onDone: 'second' } },
      second: { invoke: { id: 'second', src: 'ask', onDone: 'done' } },
      done: { type: 'final' },
    },
  });
  return createAgent({ machine, checkpointer, ...(migrate ? { migrate } : {}) });
}

// Rolled back (or left running in a rolling deploy), the old code met a thread the new one had
// moved on: its checkpoint.version_mismatch said "the chart's structure changed since" and
// advised an identity migrate, and a migrate could not tell such a thread from an older one.
describe('a thread a later deploy moved on, met by the code it left', () => {
  it('is refused saying so, and a migrate is told', async () => {
    const checkpointer = stores.open();
    const old = ordersAgent('1', checkpointer);
    expect((await old.run({ threadId: 't', input: undefined })).status).toBe('waiting');
    await old.close();
    const seen: MigrationVersions[] = [];
    const record: MigrateCheckpoint = (checkpoint, versions) => {
      seen.push(versions);
      return checkpoint;
    };
    const next = ordersAgent('2', checkpointer, record);
    const answered = await next.send('t', { type: 'human.reply', value: { approved: true } });
    expect((await answered.result()).status).toBe('waiting');
    await next.close();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.movedOn).toBeUndefined();

    const rolledBack = ordersAgent('1', checkpointer);
    const refusal = await rolledBack.resume('t').catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'checkpoint.version_mismatch' });
    const { message } = refusal as Error;
    expect(message).toContain('moved it on');
    expect(message).not.toContain('migrate: (checkpoint) => checkpoint');
    await rolledBack.close();

    const keeping = ordersAgent('1', checkpointer, record);
    await (await keeping.resume('t')).result();
    expect(seen[1]).toMatchObject({ movedOn: true });
    await keeping.close();
  });
});

// A thread a newer deploy started (an old worker of a rolling deploy, or a rollback, meets it)
// has no checkpoint of the old code's version: the old code cannot tell it from an older one.
describe('a thread another version started, met by code that never checkpointed it', () => {
  it('is refused naming that version, without telling an old process to migrate a later deploy’s thread', async () => {
    const checkpointer = stores.open();
    const next = ordersAgent('2', checkpointer);
    expect((await next.run({ threadId: 'n', input: undefined })).status).toBe('waiting');
    await next.close();
    const old = ordersAgent('1', checkpointer);
    const refusal = await old.resume('n').catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'checkpoint.version_mismatch' });
    const { message } = refusal as Error;
    // Before: "the chart's structure changed since … give createAgent({ migrate }) that returns
    // such checkpoints as they are", printed by every old worker of a rolling deploy.
    expect(message).not.toContain('changed since');
    expect(message).toMatch(/started it/);
    expect(message).toMatch(/later deploy's.*leave the thread to the processes that run/);
    await old.close();
  });
});
