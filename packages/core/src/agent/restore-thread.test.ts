import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { crashAfterSend, invoiceAgent, referenceOutcome } from '../../test/fixtures/crash-helpers';
import { memoryLedger } from '../../test/fixtures/invoice-agent';
import { tempStores } from '../../test/fixtures/temp-stores';
import { humanWait } from '../effects/human-wait';
import { toolCall } from '../effects/tool-call';
import type { RunEvent } from '../events/types';
import { CheckpointError } from '../store/checkpoint-error';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpointer } from '../store/types';
import { manualClock } from '../testing/manual-clock';
import { defineTool } from '../tools/define-tool';
import { createAgent } from './create-agent';

/** Resolves once `condition` holds, checking after each turn of the event loop. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 1_000; turn++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never held');
}

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

const approve = { type: 'human.reply', value: { approved: true } } as const;

describe('restoreRun (agent.resume)', () => {
  it('names the file it read when a thread is not in a SQLite store', async () => {
    const machine = setup({}).createMachine({ id: 'idle' });
    const agent = createAgent({ machine, checkpointer: stores.open() });
    // Before: "has no checkpoint in this agent's store", whichever file that was.
    await expect(agent.send('nope', { type: 'poke' })).rejects.toMatchObject({
      code: 'run.not_found',
      message: expect.stringContaining(`(the file ${stores.path})`),
    });
    await agent.close();
  });

  it('continues a run killed after its unsafe tool acted: reconciled, acted once, same output', async () => {
    const reference = await referenceOutcome();
    const { ledger } = await crashAfterSend(stores.open());
    const { agent, model } = invoiceAgent(stores.open(), { ledger });
    const ambiguous: RunEvent[] = [];
    agent.events.on('effect.ambiguous', (event) => ambiguous.push(event));
    const waiting = await (await agent.resume('t')).result();
    expect(waiting.status).toBe('waiting');
    const done = await (await agent.send('t', approve)).result();
    expect(done).toEqual(reference.outcome);
    expect([...ledger.counts().values()]).toEqual([1]);
    expect(ambiguous).toHaveLength(1);
    // Only the loop's last model call was left to make; the others came from the journal.
    expect(model.requests).toHaveLength(1);
  });

  it('counts usage once: model calls made after the last checkpoint come from the journal', async () => {
    const reference = await referenceOutcome();
    const { ledger } = await crashAfterSend(stores.open());
    const { agent } = invoiceAgent(stores.open(), { ledger });
    await (await agent.resume('t')).result();
    const done = await (await agent.send('t', approve)).result();
    expect(done.usage.modelCalls).toBe(reference.outcome.usage.modelCalls);
    expect(done.usage.inputTokens).toBe(reference.outcome.usage.inputTokens);
    expect(done.usage.costUsd).toBeCloseTo(reference.outcome.usage.costUsd, 12);
  });

  it("routes an ambiguous unsafe call without a reconcile hook to the chart's error path", async () => {
    const { ledger } = await crashAfterSend(stores.open(), { reconcile: false });
    const { agent } = invoiceAgent(stores.open(), { ledger, reconcile: false });
    const outcome = await (await agent.resume('t')).result();
    expect(outcome).toMatchObject({
      status: 'done',
      output: { error: 'effect.ambiguous' },
    });
    expect([...ledger.counts().values()]).toEqual([1]);
    const sent = (await agent.journal('t')).find((entry) => entry.name === 'send_invoice');
    expect(sent).toMatchObject({ status: 'failed', error: { code: 'effect.ambiguous' } });
  });

  it.each([
    ['reconciled', true, 'tool.call.end'],
    ['left ambiguous', false, 'tool.call.error'],
  ])(
    'closes the start of a resumed unsafe call (%s) without running it again',
    async (_, reconcile, closing) => {
      const { ledger } = await crashAfterSend(stores.open(), { reconcile });
      const { agent } = invoiceAgent(stores.open(), { ledger, reconcile });
      const seen: string[] = [];
      agent.events.onAny((event) => {
        if ('tool' in event && event.tool === 'send_invoice') seen.push(event.type);
      });
      await (await agent.resume('t')).result();
      // Paired in this process, as for any call the journal answers: a listener counting
      // starts against ends and errors never sees one left open.
      expect(seen).toEqual(['tool.call.start', 'effect.ambiguous', closing]);
      expect([...ledger.counts().values()]).toEqual([1]);
    },
  );

  it('routes a recorded ambiguity to the error path again when the run dies a second time', async () => {
    const { ledger } = await crashAfterSend(stores.open(), { reconcile: false });
    // The second process records the ambiguity, then dies before the chart moves on.
    const second = stores.open();
    const dying: Checkpointer = {
      latest: (threadId) => second.latest(threadId),
      get: (threadId, version) => second.get(threadId, version),
      list: (threadId) => second.list(threadId),
      save: (checkpoint) => second.save(checkpoint),
      getEffect: (threadId, key) => second.getEffect(threadId, key),
      listEffects: (threadId) => second.listEffects(threadId),
      acquireLease: (threadId, options) => second.acquireLease(threadId, options),
      renewLease: (threadId, options) => second.renewLease(threadId, options),
      releaseLease: (threadId, owner) => second.releaseLease(threadId, owner),
      getLease: (threadId) => second.getLease(threadId),
      async putEffect(entry, options) {
        await second.putEffect(entry, options);
        if (entry.status === 'failed') await new Promise(() => {});
      },
    };
    // The first process is dead, its lease still live on this clock: take the thread by force.
    invoiceAgent(dying, { ledger, reconcile: false }, { clock: manualClock(0) }).agent.resume('t', {
      force: true,
    });
    await until(async () =>
      (await second.listEffects('t')).some((entry) => entry.status === 'failed'),
    );
    const { agent } = invoiceAgent(stores.open(), { ledger, reconcile: false });
    const outcome = await (await agent.resume('t')).result();
    expect(outcome).toMatchObject({ status: 'done', output: { error: 'effect.ambiguous' } });
    expect([...ledger.counts().values()]).toEqual([1]);
  });

  it('refuses a checkpoint of another machine version, naming both versions', async () => {
    const ledger = memoryLedger();
    const first = invoiceAgent(stores.open(), { ledger });
    await first.agent.start({ threadId: 't', input: { request: 'x' } }).result();
    const changed = invoiceAgent(stores.open(), { ledger, settleDelayMs: 20 });
    const error = await changed.agent.resume('t').catch((caught) => caught);
    expect(CheckpointError.isInstance(error)).toBe(true);
    expect(error.code).toBe('checkpoint.version_mismatch');
    expect(error.message).toMatch(
      /machine version [0-9a-f]{16}, but this agent's machine is version [0-9a-f]{16}/,
    );
    expect(error.message).toContain('createAgent({ migrate })');
  });

  it('says whether the thread still fits the changed machine, and the migrate that would continue it (issue 9)', async () => {
    const chart = (waitingIn: string, added: boolean) =>
      setup({}).createMachine({
        id: 'orders',
        initial: waitingIn,
        states: {
          [waitingIn]: { on: { APPROVE: added ? 'notify' : 'done' } },
          ...(added ? { notify: { always: 'done' } } : {}),
          done: { type: 'final' },
        },
      });
    const checkpointer = stores.open();
    const first = createAgent({ machine: chart('review', false), checkpointer });
    await first.start({ threadId: 't', input: {} }).result();
    await first.close();
    const added = createAgent({ machine: chart('review', true), checkpointer });
    const stateAdded = await added.resume('t').catch((caught) => caught);
    expect(stateAdded.code).toBe('checkpoint.version_mismatch');
    expect(stateAdded.message).toContain('rests waiting in state "review"');
    expect(stateAdded.message).toContain('migrate: (checkpoint) => checkpoint');
    const renamed = createAgent({ machine: chart('approval', false), checkpointer });
    const stateRenamed = await renamed.resume('t').catch((caught) => caught);
    expect(stateRenamed.message).toContain('moves them to their new names');
    expect(stateRenamed.message).not.toContain('migrate: (checkpoint) => checkpoint');
  });

  it('names a timer the changed machine arms in the state a thread rests in, and how migrate adds it', async () => {
    const chart = (timeout: boolean) =>
      setup({}).createMachine({
        id: 'orders',
        initial: 'review',
        states: {
          review: { on: { APPROVE: 'done' }, ...(timeout ? { after: { 60000: 'expired' } } : {}) },
          expired: { type: 'final' },
          done: { type: 'final' },
        },
      });
    const checkpointer = stores.open();
    const first = createAgent({ machine: chart(false), checkpointer });
    await first.start({ threadId: 't', input: {} }).result();
    await first.close();
    const timed = createAgent({ machine: chart(true), checkpointer });
    const error = await timed.resume('t').catch((caught) => caught);
    expect(error.code).toBe('checkpoint.version_mismatch');
    // Was "its effects and timers … are all in this machine as they were", pointing at
    // migrate: (checkpoint) => checkpoint, with which the new timeout never fires for it.
    expect(error.message).not.toContain('migrate: (checkpoint) => checkpoint');
    expect(error.message).toContain('"xstate.after.60000.orders.review"');
    expect(error.message).toContain('checkpoint.delayedEvents');
  });

  it('names the agent a thread belongs to when another agent on the store tries to take it', async () => {
    const ledger = memoryLedger();
    const first = invoiceAgent(stores.open(), { ledger });
    await first.agent.start({ threadId: 't', input: { request: 'x' } }).result();
    await first.agent.close();
    const machine = setup({}).createMachine({
      id: 'greeter',
      initial: 'done',
      states: { done: { type: 'final' } },
    });
    const other = createAgent({ machine, checkpointer: stores.open() });
    const error = await other.resume('t').catch((caught) => caught);
    expect(error.code).toBe('checkpoint.version_mismatch');
    expect(error.message).toMatch(/belongs to agent "invoice", not to "greeter"/);
  });

  it("refuses another agent's thread under the same chart, and takes its own from before it had a name", async () => {
    const chart = setup({}).createMachine({
      id: 'support',
      initial: 'review',
      states: { review: { on: { APPROVE: 'done' } }, done: { type: 'final' } },
    });
    const checkpointer = stores.open();
    // Two agents on one store and one chart, each with its own tools, prompts and models.
    const english = createAgent({ machine: chart, checkpointer, name: 'support-en' });
    await english.start({ threadId: 'ticket-1', input: {} }).result();
    await english.close();
    const french = createAgent({ machine: chart, checkpointer, name: 'support-fr' });
    // Before: the French agent took the English agent's thread and ran it as its own.
    for (const attempt of [
      () => french.send('ticket-1', { type: 'APPROVE' }),
      () => french.resume('ticket-1'),
    ]) {
      const error = await attempt().catch((caught) => caught);
      expect(error.code).toBe('checkpoint.wrong_agent');
      expect(error.message).toMatch(/belongs to agent "support-en", not to "support-fr"/);
      expect(error.message).toContain('createAgent({ name: "support-en" })');
    }
    expect((await checkpointer.latest('ticket-1'))?.run.status).toBe('waiting');
    // A fork copies the thread into one of its own: it may start from another agent's.
    const fork = await french.fork({ from: 'ticket-1', threadId: 'ticket-1-fr' });
    expect(fork.threadId).toBe('ticket-1-fr');
    await fork.result();
    await french.close();
    // A thread stored under the chart's default name (the machine's id) is this agent's from
    // before it was given a name.
    const unnamed = createAgent({ machine: chart, checkpointer });
    await unnamed.start({ threadId: 'ticket-2', input: {} }).result();
    await unnamed.close();
    const named = createAgent({ machine: chart, checkpointer, name: 'support-en' });
    const outcome = await (await named.send('ticket-2', { type: 'APPROVE' })).result();
    expect(outcome.status).toBe('done');
    await named.close();
  });

  it("refuses another agent's thread though its own migrate would take it (an identity migrate)", async () => {
    const chart = (id: string, extra: Record<string, object> = {}) =>
      setup({}).createMachine({
        id,
        initial: 'review',
        states: { review: { on: { APPROVE: 'done' } }, done: { type: 'final' }, ...extra },
      });
    const checkpointer = stores.open();
    const refunds = createAgent({ machine: chart('refunds'), checkpointer });
    await refunds.start({ threadId: 'refund-1', input: {} }).result();
    await refunds.close();
    // Another agent on the same store, with the migrate the docs suggest for its own threads.
    const orders = createAgent({
      machine: chart('orders', { archived: {} }),
      checkpointer,
      migrate: (checkpoint) => checkpoint,
    });
    // Before: the migrate ran first, took the refund thread, and the orders chart ran it.
    const error = await orders.send('refund-1', { type: 'APPROVE' }).catch((caught) => caught);
    expect(error.code).toBe('checkpoint.version_mismatch');
    expect(error.message).toMatch(/belongs to agent "refunds", not to "orders"/);
    const stored = await checkpointer.latest('refund-1');
    expect(stored?.run.status).toBe('waiting');
    expect((stored?.snapshot as { value?: unknown } | undefined)?.value).toBe('review');
    await orders.close();
  });

  it("says how to keep a thread's agent when a deploy changed the machine's id (its name)", async () => {
    const chart = (id: string) =>
      setup({}).createMachine({
        id,
        initial: 'review',
        states: { review: { on: { APPROVE: 'done' } }, done: { type: 'final' } },
      });
    const checkpointer = stores.open();
    const first = createAgent({ machine: chart('orders'), checkpointer });
    await first.start({ threadId: 't', input: {} }).result();
    await first.close();
    const renamed = createAgent({ machine: chart('orders-v2'), checkpointer });
    const error = await renamed.send('t', { type: 'APPROVE' }).catch((caught) => caught);
    expect(error.code).toBe('checkpoint.version_mismatch');
    // Was only "Send to it, resume or fork it with agent "orders"", an agent no deploy has
    // any more: nothing said how the renamed agent could keep its threads.
    expect(error.message).toContain('createAgent({ name: "orders" })');
    await renamed.close();
    const named = createAgent({
      machine: chart('orders-v2'),
      checkpointer,
      name: 'orders',
      migrate: (checkpoint) => checkpoint,
    });
    const done = await (await named.send('t', { type: 'APPROVE' })).result();
    expect(done.status).toBe('done');
    await named.close();
  });

  it('restores a checkpoint of another machine version through migrate', async () => {
    const ledger = memoryLedger();
    const first = invoiceAgent(stores.open(), { ledger });
    await first.agent.start({ threadId: 't', input: { request: 'x' } }).result();
    // The first process exits, giving its lease up.
    await first.agent.close();
    const { createAgent } = await import('./create-agent');
    const { invoiceMachine, invoiceResponse } = await import('../../test/fixtures/invoice-agent');
    const { scriptedModel } = await import('../testing/scripted-model');
    const seen: string[] = [];
    const agent = createAgent({
      machine: invoiceMachine({ ledger, settleDelayMs: 20 }),
      models: { fast: scriptedModel({ handler: invoiceResponse }) },
      checkpointer: stores.open(),
      migrate: (checkpoint, { from, to }) => {
        seen.push(from, to);
        return checkpoint;
      },
    });
    const done = await (await agent.send('t', approve)).result();
    expect(done).toMatchObject({ status: 'done', output: { approved: true } });
    expect(seen[0]).not.toBe(seen[1]);
  });

  describe('a migrate that fails (issue: a deploy whose migrate threw gave a bare TypeError)', () => {
    const chart = (waitingIn: string) =>
      setup({}).createMachine({
        id: 'orders',
        initial: waitingIn,
        states: { [waitingIn]: { on: { APPROVE: 'done' } }, done: { type: 'final' } },
      });

    /** A thread waiting in `review` under the first chart, and its stored history. */
    async function waitingThread(checkpointer: Checkpointer) {
      const first = createAgent({ machine: chart('review'), checkpointer });
      await first.start({ threadId: 't', input: {} }).result();
      await first.close();
      return (await checkpointer.list('t')).length;
    }

    it('refuses a thread whose migrate throws with checkpoint.invalid_migration, writing nothing', async () => {
      const checkpointer = stores.open();
      const stored = await waitingThread(checkpointer);
      const agent = createAgent({
        machine: chart('approval'),
        checkpointer,
        migrate: (checkpoint) =>
          (checkpoint.snapshot as { nope: { value: string } }).nope.value as never,
      });
      const error = await agent.send('t', { type: 'APPROVE' }).catch((caught) => caught);
      // Was the migrate's own TypeError, naming neither the thread nor the versions.
      expect(CheckpointError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'checkpoint.invalid_migration', threadId: 't' });
      expect(error.message).toMatch(
        /thread "t" \(machine version [0-9a-f]{16} → [0-9a-f]{16}\) threw/,
      );
      expect(error.message).toContain("reading 'value'");
      expect(error.message).toContain('Nothing was written');
      expect(error.cause).toBeInstanceOf(TypeError);
      expect((await checkpointer.list('t')).length).toBe(stored);
      await agent.close();
    });

    it('refuses what is not a checkpoint (the snapshot alone) with checkpoint.invalid_migration', async () => {
      const checkpointer = stores.open();
      await waitingThread(checkpointer);
      const agent = createAgent({
        machine: chart('approval'),
        checkpointer,
        migrate: (checkpoint) =>
          ({ ...(checkpoint.snapshot as object), value: 'approval' }) as never,
      });
      const error = await agent.resume('t').catch((caught) => caught);
      expect(error).toMatchObject({ code: 'checkpoint.invalid_migration', threadId: 't' });
      expect(error.message).toContain('not a checkpoint');
      expect(error.message).toContain('checkpoint.snapshot');
      await agent.close();
    });

    it("says the agent's migrate refused the thread when it returned undefined, not to give one", async () => {
      const checkpointer = stores.open();
      await waitingThread(checkpointer);
      const agent = createAgent({
        machine: chart('approval'),
        checkpointer,
        // Changed the checkpoint in place and forgot to return it.
        migrate: (checkpoint) => {
          (checkpoint.snapshot as { value: string }).value = 'approval';
          return undefined;
        },
      });
      const error = await agent.resume('t').catch((caught) => caught);
      expect(error.code).toBe('checkpoint.version_mismatch');
      // Was "give createAgent({ migrate }) that moves them to their new names", to an agent
      // that has one.
      expect(error.message).toContain("this agent's migrate returned undefined for it");
      expect(error.message).not.toContain('give createAgent({ migrate })');
      await agent.close();
    });
  });

  it('lets one of two agents on the same file resume a thread; the other gets checkpoint.lease_held', async () => {
    const ledger = memoryLedger();
    const first = invoiceAgent(stores.open(), { ledger });
    await first.agent.start({ threadId: 't', input: { request: 'x' } }).result();
    await first.agent.close();
    const a = invoiceAgent(stores.open(), { ledger }).agent;
    const b = invoiceAgent(stores.open(), { ledger }).agent;
    const results = await Promise.allSettled([a.resume('t'), b.resume('t')]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason.code).toBe('checkpoint.lease_held');
  });

  it('fences a run whose thread another process took over: it acts no more and ends in conflict', async () => {
    const ledger = memoryLedger();
    const stale = invoiceAgent(stores.open(), { ledger });
    const handle = stale.agent.start({ threadId: 't', input: { request: 'x' } });
    await handle.result();
    const current = invoiceAgent(stores.open(), { ledger });
    // The stale run's lease is live: only a forced resume takes the thread from it.
    await current.agent.resume('t', { force: true });
    handle.reply({ approved: true });
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'checkpoint.conflict' } });
    const approval = (await current.agent.journal('t')).find((entry) => entry.kind === 'human');
    expect(approval?.status).toBe('started');
  });
});

describe('restoreRun of a thread that ended (issue: a checkpoint per stray reply)', () => {
  /** Waits for a yes/no, then ends done; `'fail'` throws in the final state's entry. */
  const chart = (onReply: 'done' | 'fail' | 'loop') =>
    setup({
      actors: { ask: humanWait({ prompt: () => 'ship it?', reply: z.boolean() }) },
      actions: {
        explode: () => {
          throw new Error('boom');
        },
      },
    }).createMachine({
      id: 'shipping',
      initial: 'asking',
      states: {
        asking: { invoke: { src: 'ask', onDone: onReply === 'loop' ? 'busy' : 'shipped' } },
        busy: { after: { 1: 'busy2' } },
        busy2: { after: { 1: 'busy' } },
        shipped: { type: 'final', ...(onReply === 'fail' ? { entry: 'explode' } : {}) },
      },
    });

  it.each([
    ['done', 'done'],
    ['failed', 'fail'],
    ['limit', 'loop'],
    ['stopped', 'stop'],
  ] as const)(
    'writes no checkpoint when a thread that ended %s is resumed or sent a reply',
    async (status, how) => {
      const checkpointer = stores.open();
      const agent = createAgent({
        machine: chart(how === 'stop' ? 'done' : how),
        checkpointer,
        limits: { maxSteps: 6 },
      });
      expect((await agent.run({ threadId: 't', input: {} })).status).toBe('waiting');
      const ended =
        how === 'stop'
          ? await (await agent.resume('t')).stop()
          : await (await agent.send('t', { type: 'human.reply', value: true })).result();
      expect(ended.status).toBe(status);
      const stored = (await agent.history('t')).length;
      for (let again = 0; again < 3; again++) {
        expect((await (await agent.resume('t')).result()).status).toBe(status);
        await expect(
          agent.send('t', { type: 'human.reply', value: true }).then((handle) => handle.result()),
        ).rejects.toMatchObject({ code: 'run.not_waiting' });
      }
      expect((await agent.history('t')).length).toBe(stored);
      expect((await agent.getCheckpoint('t'))?.run.status).toBe(status);
      await agent.close();
    },
  );

  it('reports a thread that ended without taking its lease, so a process killed while reading it blocks no one', async () => {
    const checkpointer = stores.open();
    const agent = createAgent({ machine: chart('done'), checkpointer });
    expect((await agent.run({ threadId: 't', input: {} })).status).toBe('waiting');
    await (await agent.send('t', { type: 'human.reply', value: true })).result();
    // A process that was resuming the ended thread, SIGKILLed with its lease live.
    const now = Date.now();
    await checkpointer.acquireLease('t', { owner: 'killed-reader', ttlMs: 60_000, now });
    expect((await (await agent.resume('t')).result()).status).toBe('done');
    expect((await (await agent.resume('t', { force: true })).result()).status).toBe('done');
    await expect(
      agent.send('t', { type: 'human.reply', value: true }).then((handle) => handle.result()),
    ).rejects.toMatchObject({ code: 'run.not_waiting' });
    // Reading it took nothing: the dead reader's lease is as it was, no other owner's.
    expect((await checkpointer.getLease('t'))?.owner).toBe('killed-reader');
    await agent.close();
  });
});

describe('restoreRun of a waiting thread that nothing moves (issue: two checkpoints per stray send)', () => {
  /** Waits for a yes/no; `poke` is an event its guard always refuses. */
  const chart = setup({
    types: { events: {} as { type: 'poke' } },
    actors: { ask: humanWait({ prompt: () => 'ship it?', reply: z.boolean() }) },
  }).createMachine({
    id: 'shipping',
    initial: 'asking',
    states: {
      asking: {
        invoke: { src: 'ask', onDone: 'shipped' },
        on: { poke: { guard: () => false, target: 'shipped' } },
      },
      shipped: { type: 'final' },
    },
  });

  it.each([
    ['SQLite', () => stores.open()],
    ['memory', () => new MemoryCheckpointer()],
  ] as const)(
    'writes no checkpoint when an evicted waiting thread (%s) is sent what it ignores or resumed',
    async (_store, open) => {
      const checkpointer = open();
      const agent = createAgent({ machine: chart, checkpointer });
      expect((await agent.run({ threadId: 't', input: {} })).status).toBe('waiting');
      const stored = (await agent.history('t')).length;
      for (let again = 0; again < 5; again++) {
        // An event its guards refuse, one no state takes, a reply that does not fit, a resume.
        const notTaken = { code: 'run.event_not_taken' };
        await expect(agent.send('t', { type: 'poke' })).rejects.toMatchObject(notTaken);
        const stray = { type: 'stray' } as unknown as { type: 'poke' };
        await expect(agent.send('t', stray)).rejects.toMatchObject(notTaken);
        await expect(
          agent.send('t', { type: 'human.reply', value: 'yes' }).then((handle) => handle.result()),
        ).rejects.toMatchObject({ code: 'human.invalid_reply' });
        expect((await (await agent.resume('t')).result()).status).toBe('waiting');
      }
      // Before: two checkpoints each (the restore's claim and the rest), a thread that cannot
      // be pruned while it waits growing with every stray send.
      expect((await agent.history('t')).length).toBe(stored);
      // The lease each restore took is given up: another agent of the store takes the thread
      // at once, and the wait still takes a reply that fits.
      const other = createAgent({ machine: chart, checkpointer });
      const outcome = await (await other.send('t', { type: 'human.reply', value: true })).result();
      expect(outcome.status).toBe('done');
      // One checkpoint for the reply's step: it claims the thread too.
      expect((await other.history('t')).length).toBe(stored + 1);
      await other.close();
      await agent.close();
    },
  );

  it('tells a forced resume refused by a restore that holds the lease but wrote nothing why, and when it can take the thread', async () => {
    // The second read of the head, under the lease, never answers: the process handling the
    // send is as good as killed there, holding a lease no checkpoint names.
    let stall = false;
    const hang = new Promise<never>(() => {});
    class StallingStore extends MemoryCheckpointer {
      override async latest(threadId: string) {
        if (stall && ((await super.getLease(threadId))?.expiresAt ?? 0) > 0) return hang;
        return super.latest(threadId);
      }
    }
    const checkpointer = new StallingStore();
    const first = createAgent({ machine: chart, checkpointer });
    expect((await first.run({ threadId: 't', input: {} })).status).toBe('waiting');
    const named = (await checkpointer.latest('t'))?.owner;
    stall = true;
    void first.send('t', { type: 'poke' });
    await until(async () => ((await checkpointer.getLease('t'))?.expiresAt ?? 0) > 0);
    const holder = (await checkpointer.getLease('t'))!;
    stall = false;
    const second = createAgent({ machine: chart, checkpointer });
    const refused = await second.resume('t', { force: true }).catch((caught) => caught);
    expect(refused).toMatchObject({ code: 'checkpoint.lease_held' });
    // Before: "take the thread with { force: true } only if you know that process is gone",
    // to a forced resume.
    expect(refused.message).not.toContain('{ force: true }');
    expect(refused.message).toContain(`taken over by run "${holder.owner}"`);
    expect(refused.message).toContain(`take it from run "${named}"`);
    expect(refused.message).toContain('restored the thread to handle a send');
    expect(refused.message).toContain(new Date(holder.expiresAt).toISOString());
    await second.close();
  });

  it('writes no checkpoint for a stray send when the stored usage lists its counts in another order', async () => {
    // A checkpoint written by another release (or read back through a store that orders
    // keys its own way) holds the same counts in another key order.
    class ReorderingStore extends MemoryCheckpointer {
      override async latest(threadId: string) {
        const checkpoint = await super.latest(threadId);
        if (!checkpoint) return checkpoint;
        const reversed = Object.fromEntries(Object.entries(checkpoint.run.usage).reverse());
        return {
          ...checkpoint,
          run: { ...checkpoint.run, usage: reversed as typeof checkpoint.run.usage },
        };
      }
    }
    const checkpointer = new ReorderingStore();
    const agent = createAgent({ machine: chart, checkpointer });
    expect((await agent.run({ threadId: 't', input: {} })).status).toBe('waiting');
    const stored = (await agent.history('t')).length;
    for (let again = 0; again < 3; again++) {
      await expect(agent.send('t', { type: 'poke' })).rejects.toMatchObject({
        code: 'run.event_not_taken',
      });
    }
    // Before: the usage compared as JSON text differed, and each send stored a claim.
    expect((await agent.history('t')).length).toBe(stored);
    await agent.close();
  });

  it.each([
    ['SQLite', () => stores.open()],
    ['memory', () => new MemoryCheckpointer()],
  ] as const)(
    'names the restoring run in a checkpoint before an effect it starts acts (%s), so a forced resume takes a killed one over',
    async (_store, open) => {
      const checkpointer = open();
      const owners: { checkpoint?: string; lease?: string }[] = [];
      const send = defineTool({
        name: 'send_invoice',
        description: 'Sends an invoice.',
        input: z.object({}),
        output: z.object({ sent: z.boolean() }),
        effect: 'unsafe',
        execute: async () => {
          // Were the process killed now, agent.resume(t, { force: true }) would take the
          // thread from the owner its checkpoint names: it must be the lease's holder.
          owners.push({
            checkpoint: (await checkpointer.latest('t'))?.owner,
            lease: (await checkpointer.getLease('t'))?.owner,
          });
          return { sent: true };
        },
      });
      const machine = setup({
        actors: {
          ask: humanWait({ prompt: () => 'send it?', reply: z.boolean() }),
          send: toolCall(send),
        },
      }).createMachine({
        id: 'invoicing',
        initial: 'asking',
        states: {
          asking: { invoke: { src: 'ask', onDone: 'sending' } },
          sending: { invoke: { src: 'send', input: {}, onDone: 'sent' } },
          sent: { type: 'final' },
        },
      });
      const agent = createAgent({ machine, checkpointer });
      expect((await agent.run({ threadId: 't', input: {} })).status).toBe('waiting');
      const outcome = await (await agent.send('t', { type: 'human.reply', value: true })).result();
      expect(outcome.status).toBe('done');
      expect(owners).toHaveLength(1);
      expect(owners[0]!.checkpoint).toBe(owners[0]!.lease);
      await agent.close();
    },
  );
});

describe('a waiting thread restored into a process that keeps it in memory (issue: force refused)', () => {
  const chart = setup({
    actors: { ask: humanWait({ prompt: () => 'ship it?', reply: z.boolean() }) },
  }).createMachine({
    id: 'shipping',
    initial: 'asking',
    states: { asking: { invoke: { src: 'ask', onDone: 'shipped' } }, shipped: { type: 'final' } },
  });

  it.each([
    ['SQLite', () => stores.open()],
    ['memory', () => new MemoryCheckpointer()],
  ] as const)(
    'names the run that holds it in its checkpoint, so a forced resume takes it once that process is gone (%s)',
    async (_store, open) => {
      const checkpointer = open();
      const first = createAgent({ machine: chart, checkpointer });
      expect((await first.run({ threadId: 't', input: {} })).status).toBe('waiting');
      await first.close();
      // A process that keeps waiting runs in memory resumes it: its run holds the lease.
      const kept = createAgent({ machine: chart, checkpointer, evictWaiting: false });
      expect((await (await kept.resume('t')).result()).status).toBe('waiting');
      await until(
        async () =>
          (await checkpointer.latest('t'))?.owner === (await checkpointer.getLease('t'))?.owner,
      );
      // That process dies; its operator takes the thread with force, as lease_held says to.
      // Before: the checkpoint named the run before it, and force (which takes a thread only
      // from the owner its checkpoint names) was refused until the lease lapsed.
      const other = createAgent({ machine: chart, checkpointer });
      const handle = await other.resume('t', { force: true });
      handle.reply(true);
      expect((await handle.result()).status).toBe('done');
      await other.close();
      await kept.close();
    },
  );
});

describe('agent.send racing another process for one wait (issue: a reply sent twice got checkpoint.conflict)', () => {
  const chart = setup({
    actors: { ask: humanWait({ prompt: () => 'ship it?', reply: z.boolean() }) },
  }).createMachine({
    id: 'shipping',
    initial: 'asking',
    states: { asking: { invoke: { src: 'ask', onDone: 'shipped' } }, shipped: { type: 'final' } },
  });

  it('gives the lease of a finished thread back before a reply to it is refused', async () => {
    // Before: the refusal came first and the release after; a caller that exited on the
    // error (the vendor-review example's reply script) left the thread leased for a lease
    // time, and the next run of the batch failed with checkpoint.lease_held.
    const first = createAgent({ machine: chart, checkpointer: stores.open() });
    const handle = await first.start({ threadId: 'f', input: {} });
    expect((await handle.result()).status).toBe('waiting');
    await (await first.send('f', { type: 'human.reply', value: true })).result();
    await first.close();
    const store = stores.open();
    const late = createAgent({ machine: chart, checkpointer: store });
    await expect(
      late.send('f', { type: 'human.reply', value: false }).then((sent) => sent.result()),
    ).rejects.toMatchObject({ code: 'run.not_waiting' });
    expect((await store.getLease('f'))?.expiresAt ?? 0).toBe(0);
    await late.close();
  });

  it('reads the thread again when the other answered it between this read and this lease: run.not_waiting', async () => {
    const first = createAgent({ machine: chart, checkpointer: stores.open() });
    expect((await first.run({ threadId: 't', input: {} })).status).toBe('waiting');
    await first.close();
    const slowStore = stores.open();
    const other = createAgent({ machine: chart, checkpointer: stores.open() });
    // This process has read the waiting checkpoint; before it takes the lease, another
    // process (a double click on a second instance) answers the same wait and lets go.
    const acquireLease = slowStore.acquireLease.bind(slowStore);
    let raced = false;
    slowStore.acquireLease = async (threadId, options) => {
      if (!raced) {
        raced = true;
        const handle = await other.send('t', { type: 'human.reply', value: true });
        expect((await handle.result()).status).toBe('done');
        await other.close();
      }
      return acquireLease(threadId, options);
    };
    const late = createAgent({ machine: chart, checkpointer: slowStore });
    await expect(
      late.send('t', { type: 'human.reply', value: false }).then((handle) => handle.result()),
    ).rejects.toMatchObject({ code: 'run.not_waiting', details: { status: 'done' } });
    expect(raced).toBe(true);
    expect((await late.getCheckpoint('t'))?.run.status).toBe('done');
    expect(await late.journal('t')).toMatchObject([{ kind: 'human', output: true }]);
    await late.close();
  });
});
