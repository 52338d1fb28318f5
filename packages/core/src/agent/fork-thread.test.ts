import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invoiceAgent } from '../../test/fixtures/crash-helpers';
import { memoryLedger } from '../../test/fixtures/invoice-agent';
import { tempStores } from '../../test/fixtures/temp-stores';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

type InvoiceContext = { request: string; plan?: { amount: number }; approved?: boolean };
const stateValue = (snapshot: unknown) => (snapshot as { value: string }).value;
const contextOf = (snapshot: unknown) => (snapshot as { context: InvoiceContext }).context;

/** A thread of the invoice agent that waits for approval, and the agent it ran on. */
async function waitingThread() {
  const { agent, model } = invoiceAgent(stores.open(), { ledger: memoryLedger() });
  await agent.start({ threadId: 'source', input: { request: 'invoice c-42' } }).result();
  return { agent, model };
}

describe('time travel (agent.history, agent.getCheckpoint, agent.fork)', () => {
  it("lists a thread's checkpoints and reads its state at any of them", async () => {
    const { agent } = await waitingThread();
    const history = await agent.history('source');
    expect(history.map((item) => item.version)).toEqual(history.map((_, index) => index + 1));
    expect(history.at(-1)?.status).toBe('waiting');
    const states = await Promise.all(
      history.map(async ({ version }) =>
        stateValue((await agent.getCheckpoint('source', version))?.snapshot),
      ),
    );
    expect(states[0]).toBe('planning');
    expect(states).toContain('working');
    expect(states.at(-1)).toBe('approving');
    const working = history[states.indexOf('working')]!;
    const atWorking = await agent.getCheckpoint('source', working.version);
    expect(contextOf(atWorking?.snapshot).plan).toEqual({ customer: 'c-42', amount: 120 });
  });

  it('refuses a version that is no whole number from 1, rather than report no such checkpoint', async () => {
    const { agent } = await waitingThread();
    // '1' read from a URL said "has no checkpoint 1" of a thread that has one; -1 gave undefined.
    for (const version of ['1', 1.5, -1, Number.NaN]) {
      await expect(agent.getCheckpoint('source', version as never)).rejects.toMatchObject({
        code: 'definition.invalid_option',
        message: expect.stringMatching(/agent\.getCheckpoint: version is .*whole number from 1/),
      });
      await expect(agent.fork({ from: 'source', version: version as never })).rejects.toMatchObject(
        {
          code: 'definition.invalid_option',
          message: expect.stringMatching(/agent\.fork: version is /),
        },
      );
    }
    expect((await agent.getCheckpoint('source', 1))?.version).toBe(1);
  });

  it('forks a thread at a checkpoint with edited context; the source thread is untouched', async () => {
    const { agent } = await waitingThread();
    const before = await agent.history('source');
    const fork = await agent.fork({
      from: 'source',
      version: before.at(-1)!.version,
      threadId: 'fork',
      context: (context) => ({ ...context, request: 'edited request' }),
    });
    expect((await fork.result()).status).toBe('waiting');
    fork.reply({ approved: true });
    expect(await fork.result()).toMatchObject({
      status: 'done',
      output: { request: 'edited request', approved: true },
    });
    expect(await agent.history('source')).toEqual(before);
    expect((await agent.getCheckpoint('fork', 1))?.run.forkedFrom).toEqual({
      threadId: 'source',
      version: before.at(-1)!.version,
    });
  });

  it('keeps the usage so far in a fork and runs again what was in flight at its checkpoint', async () => {
    const { agent, model } = await waitingThread();
    const callsBefore = model.requests.length;
    const source = await agent.getCheckpoint('source');
    const fork = await agent.fork({ from: 'source', version: 1, threadId: 'early' });
    const outcome = await fork.result();
    expect(outcome.status).toBe('waiting');
    // Planning was in flight at checkpoint 1: the fork plans again and works again.
    expect(model.requests.length - callsBefore).toBe(4);
    expect(outcome.usage.modelCalls).toBe(4);
    expect(source?.run.usage.modelCalls).toBe(4);
  });

  it('refuses a fork onto a thread id that exists, saying so, and leaves that thread as it was', async () => {
    const { agent } = await waitingThread();
    const before = await agent.history('source');
    const fork = agent.fork({ from: 'source', threadId: 'source' });
    await expect(fork).rejects.toMatchObject({ code: 'checkpoint.conflict' });
    await expect(fork).rejects.toThrow(/already exists; a fork starts a new thread/);
    // How far the thread has gone is not told: the fork may be another tenant's.
    await expect(fork).rejects.not.toThrow(/checkpoint \d/);
    expect(await agent.history('source')).toEqual(before);
  });

  it('refuses a fork without options as a definition error, not a TypeError', async () => {
    const { agent } = await waitingThread();
    await expect(agent.fork(undefined as never)).rejects.toMatchObject({
      code: 'definition.invalid_option',
    });
  });

  it('refuses to fork from a version the thread does not have', async () => {
    const { agent } = await waitingThread();
    await expect(agent.fork({ from: 'source', version: 999 })).rejects.toThrow(
      /has no checkpoint 999/,
    );
  });
});
