import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { invoiceAgent } from '../../test/fixtures/crash-helpers';
import { memoryLedger } from '../../test/fixtures/invoice-agent';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { RunError } from '../errors/run-error';
import { manualClock } from '../testing/manual-clock';
import { humanWait } from './human-wait';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

const hour = 3_600_000;
const input = { request: 'invoice c-42' };

/** Runs the invoice agent in a first "process" until it waits for approval. */
async function waitingThread(clock = manualClock(0)) {
  const { agent } = invoiceAgent(stores.open(), { ledger: memoryLedger() }, { clock });
  const outcome = await agent.start({ threadId: 't', input }).result();
  if (outcome.status !== 'waiting') throw new Error(`expected waiting, got ${outcome.status}`);
  return outcome;
}

/** Asks for a note with `reply` and keeps it: one wait, then done. */
function noteMachine(reply: z.ZodType<{ note: string }>) {
  return setup({
    types: { context: {} as { note: string } },
    actors: { ask: humanWait({ prompt: () => 'Note?', reply }) },
  }).createMachine({
    id: 'note',
    context: { note: '' },
    initial: 'asking',
    states: {
      asking: {
        invoke: {
          src: 'ask',
          onDone: { target: 'noted', actions: assign({ note: ({ event }) => event.output.note }) },
        },
      },
      noted: { type: 'final' },
    },
    output: ({ context }) => context,
  });
}

describe('humanWait', () => {
  it('refuses a reply schema whose values JSON cannot carry back from the journal', () => {
    // Before: accepted; a reply parsed to a Date came back from the journal as a string.
    expect(() =>
      humanWait({ prompt: () => 'When?', reply: z.object({ at: z.coerce.date() }) }),
    ).toThrow(
      expect.objectContaining({
        code: 'definition.schema_not_convertible',
        message: expect.stringMatching(/^humanWait reply: its values are journaled as JSON/),
      }),
    );
  });

  it('is never granted by a resume: the restored run waits on the same wait and deadline', async () => {
    const before = await waitingThread();
    const { agent } = invoiceAgent(
      stores.open(),
      { ledger: memoryLedger() },
      { clock: manualClock(60_000) },
    );
    const after = await (await agent.resume('t')).result();
    expect(after.status).toBe('waiting');
    expect(after.status === 'waiting' && after.waits).toEqual(before.waits);
    expect(before.waits[0]?.deadline).toBe(hour);
  });

  it('continues from a reply sent by another agent on the same file', async () => {
    await waitingThread();
    // A minute later: within the wait's hour.
    const clock = manualClock(60_000);
    const { agent } = invoiceAgent(stores.open(), { ledger: memoryLedger() }, { clock });
    const handle = await agent.send('t', { type: 'human.reply', value: { approved: true } });
    await clock.advance(10);
    expect(await handle.result()).toMatchObject({ status: 'done', output: { approved: true } });
  });

  it('times out at its original deadline across a restart', async () => {
    await waitingThread();
    const clock = manualClock(hour / 2);
    const { agent } = invoiceAgent(stores.open(), { ledger: memoryLedger() }, { clock });
    const handle = await agent.resume('t');
    await handle.result();
    await clock.advance(hour / 2 - 1);
    expect(handle.getSnapshot().value).toBe('approving');
    await clock.advance(1);
    expect(await handle.result()).toMatchObject({
      status: 'done',
      output: { error: 'human.timeout' },
    });
  });

  it('leaves an evicted waiting run only in the store; its handle restores it on reply', async () => {
    const { agent } = invoiceAgent(
      stores.open(),
      { ledger: memoryLedger() },
      { evictWaiting: true },
    );
    const starts: boolean[] = [];
    agent.events.on('run.start', (event) => starts.push(event.resumed));
    const handle = agent.start({ threadId: 't', input });
    expect((await handle.result()).status).toBe('waiting');
    expect(handle.waits()).toHaveLength(1);
    handle.reply({ approved: true });
    expect(await handle.result()).toMatchObject({ status: 'done', output: { approved: true } });
    // Restored from the store, not answered in memory.
    expect(starts).toEqual([false, true]);
  });

  it('records how long a wait lasted until its reply, when the run left memory or the process while it waited', async () => {
    // Measured from the restore: a 2 s wait answered in memory was recorded as 2,000 ms, but
    // after an eviction or a restart as the milliseconds since the restore.
    const clock = manualClock(0);
    const { agent } = invoiceAgent(
      stores.open(),
      { ledger: memoryLedger() },
      { clock, evictWaiting: true },
    );
    const handle = agent.start({ threadId: 't', input });
    expect((await handle.result()).status).toBe('waiting');
    await clock.advance(2_000);
    handle.reply({ approved: true });
    // The restored run's next steps wait on the clock.
    let settled = false;
    const ended = handle.result().finally(() => {
      settled = true;
    });
    for (let step = 0; step < 100 && !settled; step++) await clock.advance(10);
    expect((await ended).status).toBe('done');
    const waits = (await agent.journal('t')).filter((entry) => entry.kind === 'human');
    expect(waits.map((entry) => entry.status)).toEqual(['completed']);
    // The 2 s before the reply, and the few ms the restored run took to take it.
    expect(waits[0]?.meta?.latencyMs).toBeGreaterThanOrEqual(2_000);
    expect(waits[0]?.meta?.latencyMs).toBeLessThan(2_500);
  });

  it('records how long a wait lasted until its reply, when another process took the reply', async () => {
    await waitingThread(manualClock(0));
    const clock = manualClock(60_000);
    const { agent } = invoiceAgent(stores.open(), { ledger: memoryLedger() }, { clock });
    const handle = await agent.send('t', { type: 'human.reply', value: { approved: true } });
    await clock.advance(10);
    expect((await handle.result()).status).toBe('done');
    const waits = (await agent.journal('t')).filter((entry) => entry.kind === 'human');
    expect(waits.map((entry) => [entry.status, entry.meta?.latencyMs])).toEqual([
      ['completed', 60_000],
    ]);
  });

  it('reports a reply the restored wait refuses through result(), and takes a corrected one', async () => {
    const { agent } = invoiceAgent(
      stores.open(),
      { ledger: memoryLedger() },
      { evictWaiting: true },
    );
    const handle = agent.start({ threadId: 't', input });
    expect((await handle.result()).status).toBe('waiting');
    handle.reply({ approved: 'yes' });
    const error = await handle.result().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(RunError.isInstance(error) && error.code).toBe('human.invalid_reply');
    // The wait stays open, and the handle still answers it.
    handle.reply({ approved: true });
    expect(await handle.result()).toMatchObject({ status: 'done', output: { approved: true } });
  });

  it('announces its wait once: the restore that takes the reply emits no second human.wait', async () => {
    const { agent } = invoiceAgent(stores.open(), { ledger: memoryLedger() });
    const announced: string[] = [];
    agent.events.on('human.wait', (event) => announced.push(event.threadId));
    const handle = agent.start({ threadId: 't', input });
    expect((await handle.result()).status).toBe('waiting');
    handle.reply({ approved: true });
    expect(await handle.result()).toMatchObject({ status: 'done', output: { approved: true } });
    // Another process answers a wait it never opened: nothing new is announced there either.
    const first = agent.start({ threadId: 't2', input });
    expect((await first.result()).status).toBe('waiting');
    await agent.close();
    const other = invoiceAgent(stores.open(), { ledger: memoryLedger() }).agent;
    other.events.on('human.wait', (event) => announced.push(event.threadId));
    const answered = await other.send('t2', { type: 'human.reply', value: { approved: true } });
    expect(await answered.result()).toMatchObject({ status: 'done' });
    expect(announced).toEqual(['t', 't2']);
  });

  it('wakes an evicted run at its deadline and times it out', async () => {
    const clock = manualClock(0);
    const { agent } = invoiceAgent(
      stores.open(),
      { ledger: memoryLedger() },
      { clock, evictWaiting: true },
    );
    await agent.start({ threadId: 't', input }).result();
    const ended = new Promise((resolve) => agent.events.on('run.end', resolve));
    await clock.advance(hour);
    await ended;
    const latest = await agent.getCheckpoint('t');
    expect(latest?.run.status).toBe('done');
    expect((latest?.snapshot as { context?: unknown } | undefined)?.context).toMatchObject({
      error: 'human.timeout',
    });
  });

  it('refuses a reply sent after its deadline passed while no process ran, and times out (issue 9)', async () => {
    await waitingThread();
    const { agent } = invoiceAgent(
      stores.open(),
      { ledger: memoryLedger() },
      { clock: manualClock(hour + 1) },
    );
    const late = agent.send('t', { type: 'human.reply', value: { approved: true } });
    await expect(late).rejects.toMatchObject({
      code: 'human.timeout',
      message: expect.stringContaining('came after its deadline'),
    });
    expect(await (await agent.resume('t')).result()).toMatchObject({
      status: 'done',
      output: { error: 'human.timeout' },
    });
  });

  it('refuses a reply that comes after its wait timed out with human.timeout on every path, live, evicted or in another process', async () => {
    // Before: only a reply that reached the wait itself past its deadline heard human.timeout;
    // once the wait had timed out and the run had moved on, the same late reply got
    // run.not_waiting (the code of a reply sent twice) — from a live run, an evicted one, and
    // another process alike.
    const late = {
      code: 'human.timeout',
      message: expect.stringContaining('came after its deadline'),
      details: { waitId: '0.invoice.approving#0/0:human', deadline: hour },
    };
    const reply = { type: 'human.reply', value: { approved: true } } as const;
    for (const evictWaiting of [false, true]) {
      const clock = manualClock(0);
      const { agent } = invoiceAgent(
        stores.open(),
        { ledger: memoryLedger() },
        { clock, evictWaiting },
      );
      const handle = agent.start({ threadId: `t-${evictWaiting}`, input });
      await handle.result();
      await clock.advance(hour + 1);
      expect(await handle.result()).toMatchObject({ output: { error: 'human.timeout' } });
      await expect(agent.send(`t-${evictWaiting}`, reply)).rejects.toMatchObject(late);
      // A handle refuses a reply to a run in memory at once.
      expect(() => handle.reply({ approved: true })).toThrow(expect.objectContaining(late));
      await agent.close();
      const other = invoiceAgent(stores.open(), { ledger: memoryLedger() }, { clock }).agent;
      await expect(other.send(`t-${evictWaiting}`, reply)).rejects.toMatchObject(late);
      await expect(
        other.send(`t-${evictWaiting}`, { ...reply, waitId: '0.invoice.approving#0/0:human' }),
      ).rejects.toMatchObject(late);
      await other.close();
    }
  });

  it('still answers a reply sent twice with run.not_waiting, not as a late one', async () => {
    const clock = manualClock(0);
    const { agent } = invoiceAgent(stores.open(), { ledger: memoryLedger() }, { clock });
    const handle = agent.start({ threadId: 't', input });
    await handle.result();
    handle.reply({ approved: true });
    // The scripted model's latency runs on the manual clock too.
    const answered = handle.result();
    await clock.advance(hour * 2);
    expect(await answered).toMatchObject({ status: 'done', output: { approved: true } });
    await expect(
      agent.send('t', { type: 'human.reply', value: { approved: true } }),
    ).rejects.toMatchObject({ code: 'run.not_waiting' });
    await agent.close();
    const other = invoiceAgent(stores.open(), { ledger: memoryLedger() }, { clock }).agent;
    await expect(
      other.send('t', { type: 'human.reply', value: { approved: true } }),
    ).rejects.toMatchObject({ code: 'run.not_waiting' });
    await other.close();
  });

  it('times out at once when resumed past its deadline, rather than resting waiting (issue 9)', async () => {
    await waitingThread();
    const { agent } = invoiceAgent(
      stores.open(),
      { ledger: memoryLedger() },
      { clock: manualClock(hour * 24) },
    );
    expect(await (await agent.resume('t')).result()).toMatchObject({
      status: 'done',
      output: { error: 'human.timeout' },
    });
  });

  it('refuses a reply larger than a journal row keeps; the wait stays open for a smaller one', async () => {
    const machine = noteMachine(z.object({ note: z.string() }));
    const checkpointer = stores.open();
    const agent = createAgent({ machine, checkpointer, maxJournalValueBytes: 1_024 });
    await agent.start({ threadId: 'n', input: {} }).result();
    // Before: taken whole, into the journal and every checkpoint after (20 MB in a
    // default-sized row made an 80 MB database).
    await expect(
      agent.send('n', { type: 'human.reply', value: { note: 'x'.repeat(2_000) } }),
    ).rejects.toMatchObject({
      code: 'human.invalid_reply',
      message: expect.stringContaining('maxJournalValueBytes'),
      details: { bytes: 2_011, maxBytes: 1_024 },
    });
    expect((await agent.getCheckpoint('n'))?.run.status).toBe('waiting');
    const handle = await agent.send('n', { type: 'human.reply', value: { note: 'short' } });
    expect(await handle.result()).toMatchObject({ status: 'done', output: { note: 'short' } });
    await agent.close();
  });

  it('says a refused reply was checked against a reply schema changed since the wait opened', async () => {
    const checkpointer = stores.open();
    const before = createAgent({
      machine: noteMachine(z.object({ note: z.string() })),
      checkpointer,
    });
    await before.start({ threadId: 'n', input: {} }).result();
    await before.close();
    // A deploy while the thread waits: the form asks for one more field.
    const changed = z.object({ note: z.string(), priority: z.enum(['low', 'high']) });
    const after = createAgent({ machine: noteMachine(changed), checkpointer });
    // Before: "does not match the expected shape (priority: …)", with nothing to tell the
    // person who filled in the form the wait was opened with that the form changed.
    await expect(
      after.send('n', { type: 'human.reply', value: { note: 'ship it' } }),
    ).rejects.toMatchObject({
      code: 'human.invalid_reply',
      message: expect.stringMatching(
        /reply schema changed since this wait was opened .*agentchart waits/,
      ),
    });
    const handle = await after.send('n', {
      type: 'human.reply',
      value: { note: 'ship it', priority: 'high' },
    });
    expect(await handle.result()).toMatchObject({ status: 'done', output: { note: 'ship it' } });
    await after.close();
  });

  it.each([2_000, 3_000, 200_000])(
    'refuses a reply nested %i levels deep (a few kilobytes of JSON); the thread waits on, not failed or stored running',
    async (depth) => {
      const machine = setup({
        types: { context: {} as { answer?: unknown } },
        actors: { ask: humanWait({ prompt: () => 'Anything?', reply: z.unknown() }) },
      }).createMachine({
        id: 'deep',
        context: {},
        initial: 'asking',
        states: {
          asking: {
            invoke: {
              src: 'ask',
              onDone: {
                target: 'answered',
                actions: assign({ answer: ({ event }) => event.output }),
              },
            },
          },
          answered: { type: 'final' },
        },
        output: ({ context }) => context,
      });
      const agent = createAgent({ machine, checkpointer: stores.open() });
      await agent.start({ threadId: 'd', input: {} }).result();
      const deep = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      // Before: 2,000 and 3,000 levels failed the run with "Maximum call stack size exceeded"
      // (or a circular-structure error) and left the thread stored `running`; 200,000 threw
      // a bare RangeError from agent.send.
      const reply = agent
        .send('d', { type: 'human.reply', value: deep })
        .then((handle) => handle.result());
      await expect(reply).rejects.toMatchObject({
        code: 'human.invalid_reply',
        message: expect.stringContaining('more than 256 levels deep'),
      });
      expect((await agent.getCheckpoint('d'))?.run.status).toBe('waiting');
      const handle = await agent.send('d', { type: 'human.reply', value: [[['fine']]] });
      expect(await handle.result()).toMatchObject({
        status: 'done',
        output: { answer: [[['fine']]] },
      });
      await agent.close();
    },
  );
});
