import { describe, expect, it } from 'vitest';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import { leadAgent } from './reviewing-lead.test-support';

describe.each([
  ['in memory', () => new MemoryCheckpointer()],
  ['on SQLite', () => new SqliteCheckpointer({ path: ':memory:' })],
])("agentActor: a reply through a resumed parent's handle (%s)", (_, makeStore) => {
  it("answers the child's wait at once, as it answers a lone run's", async () => {
    const store = makeStore();
    const first = leadAgent(store);
    expect((await first.run({ threadId: 'p', input: undefined })).status).toBe('waiting');
    await first.close();

    // Another process (an agent on the same store) resumes the parent and replies at once.
    const second = leadAgent(store);
    const handle = await second.resume('p');
    // The child's wait comes back once its thread is restored, after resume() returned: the
    // reply failed with run.not_waiting, "no pending human wait", of a thread stored waiting.
    handle.reply({ ok: true });
    expect(await handle.result()).toMatchObject({
      status: 'done',
      output: { status: 'done', output: { risk: 'low' } },
    });
    await second.close();
  });

  it("lists the child's wait in the waiting outcome the resumed parent's result() gives", async () => {
    const store = makeStore();
    const first = leadAgent(store);
    const waited = await first.run({ threadId: 'p', input: undefined });
    await first.close();

    const second = leadAgent(store);
    const handle = await second.resume('p');
    const outcome = await handle.result();
    expect(outcome.status).toBe('waiting');
    const waits = outcome.status === 'waiting' ? outcome.waits : [];
    expect(waits.map((wait) => wait.waitId)).toEqual(
      waited.status === 'waiting' ? waited.waits.map((wait) => wait.waitId) : ['none'],
    );
    expect(waits).toHaveLength(1);
    expect(handle.waits()).toEqual(waits);
    await second.close();
  });

  it('still refuses a reply the resumed parent has no wait for, once it rests', async () => {
    const store = makeStore();
    const first = leadAgent(store);
    await first.run({ threadId: 'p', input: undefined });
    await first.close();

    const second = leadAgent(store);
    const handle = await second.resume('p');
    handle.reply({ ok: true }, 'no-such-wait');
    await expect(handle.result()).rejects.toMatchObject({ code: 'run.not_waiting' });
    expect((await second.getCheckpoint('p'))?.run.status).toBe('waiting');
    await second.close();
  });
});
