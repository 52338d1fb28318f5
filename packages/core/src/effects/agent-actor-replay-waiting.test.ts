import { describe, expect, it } from 'vitest';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import type { Checkpointer } from '../store/types';
import { leadAgent } from './reviewing-lead.test-support';

const stores: [string, () => Checkpointer][] = [
  ['in memory', () => new MemoryCheckpointer()],
  ['on SQLite', () => new SqliteCheckpointer({ path: ':memory:' })],
];

// The replay of a lead resting on its child's wait came back waiting with no wait and 0 model
// calls, where the recording rested with the child's wait and its call: a replay is to repeat
// what the recording decided.
describe.each(stores)('a replay of a parent waiting on its child agent (%s)', (_, makeStore) => {
  it("rests as the recording did: the child's wait listed, the child's usage counted", async () => {
    const store = makeStore();
    const agent = leadAgent(store);
    const recorded = await agent.run({ threadId: 'lead-1', input: undefined });
    expect(recorded).toMatchObject({ status: 'waiting', usage: { modelCalls: 1 } });

    const replayed = await agent.replay('lead-1');

    expect(replayed.status).toBe('waiting');
    expect(replayed.usage).toEqual(recorded.usage);
    if (replayed.status !== 'waiting' || recorded.status !== 'waiting') return;
    expect(replayed.waits.map((wait) => [wait.waitId, wait.prompt])).toEqual(
      recorded.waits.map((wait) => [wait.waitId, wait.prompt]),
    );
    // A replay writes nothing: the child still waits, and the lead's reply still reaches it.
    const handle = await agent.send('lead-1', {
      type: 'human.reply',
      value: { ok: true },
      waitId: recorded.waits[0]!.waitId,
    });
    expect((await handle.result()).status).toBe('done');
    await agent.close();
  });
});
