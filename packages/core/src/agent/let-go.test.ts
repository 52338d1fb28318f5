import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { agentActor } from '../effects/agent-actor';
import { humanWait } from '../effects/human-wait';
import { structuredCall } from '../effects/structured-call';
import { toolCall } from '../effects/tool-call';
import { toolLoop } from '../effects/tool-loop';
import type { JournalEntry } from '../ledger/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpoint } from '../store/types';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { createAgent } from './create-agent';
import { ReleaseSignalStore } from './release-signal-store.test-support';

const machine = setup({
  actors: {
    approve: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
  },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
});

/** A store whose lease release takes a while, as a network round trip does. */
class SlowReleaseStore extends MemoryCheckpointer {
  override async releaseLease(threadId: string, owner: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return super.releaseLease(threadId, owner);
  }
}

/** A store whose lease releases wait until the test lets them through, and pass once it has. */
class GatedReleaseStore extends MemoryCheckpointer {
  readonly #gates: (() => void)[] = [];
  #open = false;
  #held: () => void = () => undefined;
  /** Resolves once a release is held at the gate. */
  readonly released = new Promise<void>((resolve) => {
    this.#held = resolve;
  });
  override async releaseLease(threadId: string, owner: string): Promise<void> {
    if (!this.#open) {
      await new Promise<void>((resolve) => {
        this.#gates.push(resolve);
        this.#held();
      });
    }
    return super.releaseLease(threadId, owner);
  }
  open(): void {
    this.#open = true;
    for (const gate of this.#gates.splice(0)) gate();
  }
}

/** A store whose journal writes take a while. */
class SlowJournalStore extends MemoryCheckpointer {
  override async putEffect(...args: Parameters<MemoryCheckpointer['putEffect']>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return super.putEffect(...args);
  }
}

/** A store whose checkpoint writes wait at a gate while it is shut. */
class GatedSaveStore extends MemoryCheckpointer {
  #shut = false;
  #gates: (() => void)[] = [];
  /** Saves let through before the store shuts (see {@link GatedSaveStore.shutAfter}). */
  #openFor = Number.POSITIVE_INFINITY;
  shut(): void {
    this.#shut = true;
  }
  open(): void {
    this.#shut = false;
    this.#openFor = Number.POSITIVE_INFINITY;
    for (const gate of this.#gates.splice(0)) gate();
  }
  /** Shuts once `saves` more checkpoints are stored. */
  shutAfter(saves: number): void {
    this.#openFor = saves;
  }
  override async save(checkpoint: Checkpoint) {
    await this.#gate();
    return super.save(checkpoint);
  }
  override async saveWithJournal(checkpoint: Checkpoint, journal: readonly JournalEntry[]) {
    await this.#gate();
    return super.saveWithJournal(checkpoint, journal);
  }
  async #gate(): Promise<void> {
    if (this.#openFor-- <= 0) this.#shut = true;
    if (this.#shut) await new Promise<void>((resolve) => this.#gates.push(resolve));
  }
}

/** An unsafe payment that takes `ms` and does not stop when asked to. */
function slowPay(
  ms: number,
  more: {
    timeoutMs?: number;
    approval?: 'never';
    reconcile?: () => Promise<{ status: 'not_executed' }>;
  } = {},
) {
  return defineTool({
    ...more,
    name: 'pay',
    description: 'Pays; does not stop when asked to.',
    input: z.object({}),
    output: z.object({ receipt: z.string() }),
    effect: 'unsafe',
    execute: async () => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { receipt: 'r' };
    },
  });
}

/** Where a tool waits until the test lets it through, and a promise of its getting there. */
function toolGate() {
  let letThrough!: () => void;
  const open = new Promise<void>((resolve) => {
    letThrough = resolve;
  });
  let reached!: () => void;
  const started = new Promise<void>((resolve) => {
    reached = resolve;
  });
  return {
    started,
    letThrough,
    pass: async () => {
      reached();
      await open;
    },
  };
}

describe('a run letting go of its thread', () => {
  it('keeps the lease of a run handed back while its unsafe tool still runs, so no other process sends twice (issue 15)', async () => {
    const sent: string[] = [];
    const gate = toolGate();
    const send = defineTool({
      name: 'send',
      description: 'Sends a message; does not stop when asked to.',
      input: z.object({}),
      output: z.object({ ok: z.boolean() }),
      effect: 'unsafe',
      execute: async (_input, { idempotencyKey }) => {
        await gate.pass();
        sent.push(idempotencyKey);
        return { ok: true };
      },
      reconcile: async (_input, { idempotencyKey }) =>
        sent.includes(idempotencyKey)
          ? { status: 'completed' as const, output: { ok: true } }
          : { status: 'not_executed' as const },
    });
    const sending = setup({ actors: { send: toolCall(send) } }).createMachine({
      id: 'sending',
      initial: 'sending',
      states: {
        sending: { invoke: { src: 'send', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine: sending, checkpointer });
    const handle = first.start({ threadId: 'u', input: {} });
    await gate.started;
    // Resolves once the lease is released: after the tool settled.
    const closed = first.close({ timeoutMs: 0 });
    expect(await handle.result()).toMatchObject({ status: 'stopped', handedBack: true });
    const second = createAgent({ machine: sending, checkpointer });
    // Before: taken at once, its reconcile asked before the first send acted, and sent again.
    await expect(second.resume('u')).rejects.toMatchObject({ code: 'checkpoint.lease_held' });
    gate.letThrough();
    await closed;
    expect((await checkpointer.getLease('u'))?.expiresAt).toBe(0);
    const resumed = await second.resume('u');
    expect((await resumed.result()).status).toBe('done');
    expect(sent).toHaveLength(1);
    await second.close();
  });

  it('records what an unsafe tool returned after its run was handed back, so the next owner finds it done', async () => {
    // Before: the result was dropped; the step stayed started, and the next owner could only
    // ask reconcile or, without one, fail the run with effect.ambiguous — after it had paid.
    const paid: string[] = [];
    const gate = toolGate();
    const pay = defineTool({
      name: 'pay',
      description: 'Pays; does not stop when asked to.',
      input: z.object({}),
      output: z.object({ receipt: z.string() }),
      effect: 'unsafe',
      execute: async (_input, { idempotencyKey }) => {
        await gate.pass();
        paid.push(idempotencyKey);
        return { receipt: `r-${paid.length}` };
      },
    });
    const paying = setup({
      types: { context: {} as { receipt?: string } },
      actors: { pay: toolCall(pay) },
    }).createMachine({
      id: 'paying',
      context: {},
      initial: 'paying',
      states: {
        paying: {
          invoke: {
            src: 'pay',
            input: {},
            onDone: {
              target: 'done',
              actions: assign({ receipt: ({ event }) => event.output.receipt }),
            },
          },
        },
        done: { type: 'final' },
      },
      output: ({ context }) => context,
    });
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine: paying, checkpointer });
    const handle = first.start({ threadId: 'p', input: {} });
    await gate.started;
    const closed = first.close({ timeoutMs: 0 });
    expect(await handle.result()).toMatchObject({ status: 'stopped', handedBack: true });
    gate.letThrough();
    // close() resolves once the result is journaled and the lease released, so a caller may
    // close its store right after.
    await closed;
    expect((await checkpointer.getLease('p'))?.expiresAt).toBe(0);
    const [step] = await checkpointer.listEffects('p');
    expect(step).toMatchObject({ status: 'completed', output: { receipt: 'r-1' } });

    const second = createAgent({ machine: paying, checkpointer });
    const resumed = await second.resume('p');
    expect(await resumed.result()).toMatchObject({ status: 'done', output: { receipt: 'r-1' } });
    expect(paid).toHaveLength(1);
    await second.close();
  });

  it("records nothing for an unsafe tool whose state the chart left, so a replay follows the live run's path", async () => {
    // A review of the change above: recording every abort journaled this step completed, and
    // a replay then took the invoke's onDone ('paid') where the live run had given up.
    const pay = slowPay(200);
    const deadline = setup({ actors: { pay: toolCall(pay) } }).createMachine({
      id: 'deadline',
      initial: 'paying',
      states: {
        paying: { invoke: { src: 'pay', input: {}, onDone: 'paid' }, after: { 50: 'gaveUp' } },
        gaveUp: { type: 'final', output: () => 'gave up' },
        paid: { type: 'final', output: () => 'paid' },
      },
      output: ({ event }) => (event as { output?: unknown }).output,
    });
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: deadline, checkpointer });
    const live = await agent.start({ threadId: 'd', input: {} }).result();
    // close() waits for the lease kept for the tool: the run ended while it still acted.
    await agent.close();
    expect((await checkpointer.getLease('d'))?.expiresAt).toBe(0);
    expect((await checkpointer.listEffects('d')).map((entry) => entry.status)).toEqual(['started']);
    const again = createAgent({ machine: deadline, checkpointer });
    const replayed = await again.replay('d');
    expect([live, replayed].map((outcome) => outcome.status === 'done' && outcome.output)).toEqual([
      'gave up',
      'gave up',
    ]);
    await again.close();
  });

  it('gives the lease back once the tool settles when it had timed out before the hand-back', async () => {
    // A review of the change above: the late answer of a call that had timed out waited for
    // an aborted step that never came, and close() waited a whole lease time, then let the
    // lease lapse instead of releasing it.
    const pay = slowPay(200, {
      timeoutMs: 30,
      approval: 'never',
      reconcile: async () => ({ status: 'not_executed' }),
    });
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'pay', arguments: {} }] },
        { content: 'later', latencyMs: 5_000 },
      ],
    });
    const looping = setup({
      actors: { loop: toolLoop({ model: 'fast', tools: [pay], prompt: () => 'Pay' }) },
    }).createMachine({
      id: 'looping',
      initial: 'looping',
      states: { looping: { invoke: { src: 'loop', onDone: 'done' } }, done: { type: 'final' } },
    });
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({
      machine: looping,
      checkpointer,
      models: { fast: model },
      leaseTtlMs: 10_000,
    });
    agent.start({ threadId: 'l', input: {} });
    // The tool timed out at 30 ms and was reported; the second model call is in flight.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const began = Date.now();
    await agent.close({ timeoutMs: 0 });
    expect(Date.now() - began).toBeLessThan(5_000);
    expect((await checkpointer.getLease('l'))?.expiresAt).toBe(0);
  }, 15_000);

  it('close() waits for a run that ended but was still storing its end, and the lease it keeps', async () => {
    // A review found close() resolving here with the lease live and the end unstored: the
    // run had ended, so evicting it did nothing, and close() forgot it.
    const deadline = setup({ actors: { pay: toolCall(slowPay(300)) } }).createMachine({
      id: 'deadline',
      initial: 'paying',
      states: {
        paying: { invoke: { src: 'pay', input: {}, onDone: 'paid' }, after: { 50: 'gaveUp' } },
        gaveUp: { type: 'final' },
        paid: { type: 'final' },
      },
    });
    const checkpointer = new GatedSaveStore();
    const agent = createAgent({ machine: deadline, checkpointer });
    agent.start({ threadId: 'd', input: {} });
    await new Promise((resolve) => setTimeout(resolve, 25));
    checkpointer.shut(); // the run's last checkpoint (at 50 ms) waits at the gate
    await new Promise((resolve) => setTimeout(resolve, 50));
    let closed = false;
    const closing = agent.close({ timeoutMs: 10 }).then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    checkpointer.open();
    await closing;
    expect((await checkpointer.getLease('d'))?.expiresAt).toBe(0);
    expect((await checkpointer.latest('d'))?.run.status).toBe('done');
  });

  it('lets the lease lapse a lease time after letting go when its unsafe tool never settles', async () => {
    // Never let through: the tool never answers.
    const gate = toolGate();
    const hang = defineTool({
      name: 'hang',
      description: 'Never answers, and ignores being stopped.',
      input: z.object({}),
      output: z.object({ ok: z.boolean() }),
      effect: 'unsafe',
      execute: async () => {
        await gate.pass();
        return { ok: true };
      },
    });
    const hanging = setup({ actors: { hang: toolCall(hang) } }).createMachine({
      id: 'hanging',
      initial: 'hanging',
      states: { hanging: { invoke: { src: 'hang', input: {} } } },
    });
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: hanging, checkpointer, leaseTtlMs: 60 });
    agent.start({ threadId: 'z', input: {} });
    await gate.started;
    const closed = agent.close({ timeoutMs: 0 });
    const held = await checkpointer.getLease('z');
    expect(held?.expiresAt).toBeGreaterThan(Date.now());
    // Kept while the tool may act, renewed for one lease time, then left to lapse; close()
    // waits that lease time, no longer.
    await closed;
    while (((await checkpointer.getLease('z'))?.expiresAt ?? 0) > Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });

  it('hands a working run back as running, with a live snapshot, even when a checkpoint was still to be written (issue 15)', async () => {
    const quick = defineTool({
      name: 'quick',
      description: 'Answers at once.',
      input: z.object({}),
      output: z.object({ ok: z.boolean() }),
      effect: 'idempotent',
      execute: async () => ({ ok: true }),
    });
    let slowCalls = 0;
    const slow = defineTool({
      name: 'slow',
      description: 'Answers when the run stops waiting for it, or at once the second time.',
      input: z.object({}),
      output: z.object({ ok: z.boolean() }),
      effect: 'idempotent',
      execute: async (_input, { signal }) => {
        slowCalls++;
        if (slowCalls > 1) return { ok: true };
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        throw signal.reason;
      },
    });
    const working = setup({
      actors: { quick: toolCall(quick), slow: toolCall(slow) },
    }).createMachine({
      id: 'working',
      initial: 'first',
      states: {
        first: { invoke: { src: 'quick', input: {}, onDone: 'second' } },
        second: { invoke: { src: 'slow', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const checkpointer = new GatedSaveStore();
    // The first checkpoint creates the thread (a new thread's effects read their journal only
    // once it is theirs); the next is held in the store.
    checkpointer.shutAfter(1);
    const first = createAgent({ machine: working, checkpointer });
    const handle = first.start({ threadId: 'h', input: {} });
    // The second checkpoint is held in the store; the run moves on to its second step, whose
    // checkpoint is asked for but not yet built.
    while (slowCalls === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const closing = first.close({ timeoutMs: 0 });
    // The run is handed back (its actor stopped) while its checkpoints still wait to be stored.
    expect(await handle.result()).toMatchObject({ status: 'stopped', handedBack: true });
    checkpointer.open();
    await closing;
    const stored = await checkpointer.latest('h');
    // Before: stored `waiting`, with the snapshot of the stopped actor; a resume of it never
    // came to rest (the restored actor was stopped), so the thread hung for good.
    expect(stored?.run.status).toBe('running');
    expect(stored?.snapshot).toMatchObject({ status: 'active' });
    const second = createAgent({ machine: working, checkpointer });
    const resumed = await second.resume('h');
    expect((await resumed.result()).status).toBe('done');
    await second.close();
  });

  it('agent.close() resolves only once its runs’ leases are released, so another process can take their threads at once (issue 15)', async () => {
    const checkpointer = new SlowReleaseStore();
    const first = createAgent({ machine, checkpointer });
    expect((await first.start({ threadId: 't', input: {} }).result()).status).toBe('waiting');
    const ended = createAgent({ machine, checkpointer });
    await first.close();
    expect((await checkpointer.getLease('t'))?.expiresAt).toBe(0);
    const handle = await ended.send('t', { type: 'human.reply', value: { ok: true } });
    expect((await handle.result()).status).toBe('done');
    await ended.close();
  });

  it('answers a wait sent right after the run came to rest in this process, while its lease is still being released', async () => {
    const checkpointer = new GatedReleaseStore();
    const agent = createAgent({ machine, checkpointer, evictWaiting: true });
    expect((await agent.start({ threadId: 'r', input: {} }).result()).status).toBe('waiting');
    await checkpointer.released;
    // The evicted run's release is still on its way to the store when the reply comes.
    const sent = agent.send('r', { type: 'human.reply', value: { ok: true } });
    // Everything the send does before it must wait on the store happens in this turn.
    await new Promise((resolve) => setImmediate(resolve));
    checkpointer.open();
    const handle = await sent;
    expect((await handle.result()).status).toBe('done');
    await agent.close();
  });

  it('gives the lease back before a refused reply rejects, so another process can answer at once', async () => {
    const checkpointer = new SlowReleaseStore();
    const first = createAgent({ machine, checkpointer });
    expect((await first.run({ threadId: 'r', input: {} })).status).toBe('waiting');
    const second = createAgent({ machine, checkpointer });
    // Restored by the first process for its reply, which does not fit the wait.
    await expect(
      first.send('r', { type: 'human.reply', value: { ok: 'yes' } }),
    ).rejects.toMatchObject({ code: 'human.invalid_reply' });
    // Before: still held by the restored run, whose eviction had not given it back yet.
    expect(await checkpointer.getLease('r')).toMatchObject({ expiresAt: 0 });
    const answered = await second.send('r', { type: 'human.reply', value: { ok: true } });
    expect((await answered.result()).status).toBe('done');
    await Promise.all([first.close(), second.close()]);
  });

  it('rests waiting only once the wait is in the journal, for processes that read the store (issue 15)', async () => {
    const checkpointer = new SlowJournalStore();
    const agent = createAgent({ machine, checkpointer });
    await agent.start({ threadId: 'w', input: {} }).result();
    expect(await checkpointer.listEffects('w')).toEqual([
      expect.objectContaining({ kind: 'human', status: 'started', input: 'Approve?' }),
    ]);
    await agent.close();
  });

  it.each([
    [
      'agent.send()',
      (agent: ReturnType<typeof approvalAgent>) =>
        agent.send('r', { type: 'human.reply', value: { ok: true } }),
    ],
    ['agent.resume()', (agent: ReturnType<typeof approvalAgent>) => agent.resume('r')],
  ])(
    'waits, in close(), for a thread that %s made just before it restores: nothing happens after, no lease is left',
    async (_, call) => {
      const checkpointer = new ReleaseSignalStore();
      const agent = approvalAgent(checkpointer);
      expect((await agent.start({ threadId: 'r', input: {} }).result()).status).toBe('waiting');
      await checkpointer.released;
      await new Promise((resolve) => setImmediate(resolve));
      const after: string[] = [];
      let closed = false;
      agent.events.onAny((event) => {
        if (closed) after.push(event.type);
      });
      // Made before close(), still on its way to the store when close() is called.
      const made = call(agent);
      await agent.close();
      closed = true;
      // Before: close() resolved first; the thread was restored after it, in a closed agent,
      // and (here) answered, with run.start … run.end emitted after close() and its lease kept.
      const handle = await made;
      await handle.result();
      expect(after).toEqual([]);
      expect((await checkpointer.getLease('r'))?.expiresAt).toBe(0);
    },
  );

  it.each([
    ['its tenant check reads', 'latest'],
    ['its restore takes the lease', 'acquireLease'],
  ] as const)(
    'stops waiting, at its timeoutMs, for a send whose store never answers as %s; the send, answered later, restores nothing',
    async (_, stalled) => {
      const checkpointer = new StallingStore(stalled);
      const agent = approvalAgent(checkpointer);
      expect((await agent.start({ threadId: 'r', input: {} }).result()).status).toBe('waiting');
      await checkpointer.released;
      await new Promise((resolve) => setImmediate(resolve));
      const after: string[] = [];
      let closed = false;
      agent.events.onAny((event) => {
        if (closed) after.push(event.type);
      });
      checkpointer.stalling = true;
      const sent = agent.send('r', { type: 'human.reply', value: { ok: true } });
      // Before: close() waited for the send's read for as long as the store took: here, ever.
      await agent.close({ timeoutMs: 50 });
      closed = true;
      checkpointer.answer();
      await expect(sent).rejects.toMatchObject({ code: 'agent.closed' });
      expect(after).toEqual([]);
      expect((await checkpointer.getLease('r'))?.expiresAt ?? 0).toBe(0);
      expect((await checkpointer.latest('r'))?.run.status).toBe('waiting');
    },
  );

  it('starts no new model call once close() is called: the resumed run pays for each call once', async () => {
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a figure up.',
      input: z.object({}),
      output: z.object({ figure: z.number() }),
      effect: 'pure',
      execute: async () => ({ figure: 42 }),
    });
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'lookup', arguments: {} }], latencyMs: 50 },
        { content: 'the figure is 42', latencyMs: 1_200 },
        { content: 'the figure is 42', latencyMs: 1_200 },
      ],
    });
    const looking = setup({
      actors: { loop: toolLoop({ model: 'fast', tools: [lookup], prompt: () => 'Look it up' }) },
    }).createMachine({
      id: 'looking',
      initial: 'looking',
      states: { looking: { invoke: { src: 'loop', onDone: 'done' } }, done: { type: 'final' } },
    });
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine: looking, checkpointer, models: { fast: model } });
    const asked = new Promise((resolve) => first.events.on('llm.call.start', resolve));
    const handle = first.start({ threadId: 'l', input: {} });
    await asked;
    // The first call is in flight: it finishes, and is journaled; the second is not sent.
    // Before: it was, and was cut off at the timeout — then sent again by the resume below.
    await first.close({ timeoutMs: 600 });
    expect(await handle.result()).toMatchObject({ status: 'stopped', handedBack: true });
    expect(model.requests).toHaveLength(1);
    const second = createAgent({ machine: looking, checkpointer, models: { fast: model } });
    expect((await (await second.resume('l')).result()).status).toBe('done');
    expect(model.requests).toHaveLength(2);
    await second.close();
  }, 15_000);

  it('hands a tool loop back only once a parallel call still running has finished', async () => {
    // A review found the run handed back as soon as the loop held its next unsafe call, while
    // an idempotent call of the same answer still ran: it was cut off, and ran again on resume.
    let slowRuns = 0;
    const pay = defineTool({
      name: 'pay',
      description: 'Pays.',
      input: z.object({ amount: z.number() }),
      output: z.object({ receipt: z.string() }),
      effect: 'unsafe',
      approval: 'never',
      execute: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { receipt: 'r' };
      },
    });
    let slowStarted: () => void = () => undefined;
    const slowBegan = new Promise<void>((resolve) => {
      slowStarted = resolve;
    });
    const slow = defineTool({
      name: 'slow',
      description: 'Takes a while.',
      input: z.object({}),
      output: z.object({ done: z.boolean() }),
      effect: 'idempotent',
      execute: async () => {
        slowRuns++;
        slowStarted();
        await new Promise((resolve) => setTimeout(resolve, 400));
        return { done: true };
      },
    });
    const model = scriptedModel({
      responses: [
        {
          toolCalls: [
            { name: 'pay', arguments: { amount: 1 } },
            { name: 'pay', arguments: { amount: 2 } },
            { name: 'slow', arguments: {} },
          ],
        },
        { content: 'paid' },
      ],
    });
    const paying = setup({
      actors: { loop: toolLoop({ model: 'fast', tools: [pay, slow], prompt: () => 'Pay' }) },
    }).createMachine({
      id: 'paying',
      initial: 'paying',
      states: { paying: { invoke: { src: 'loop', onDone: 'done' } }, done: { type: 'final' } },
    });
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine: paying, checkpointer, models: { fast: model } });
    first.start({ threadId: 'p', input: {} });
    await slowBegan;
    await first.close({ timeoutMs: 3_000 });
    const second = createAgent({ machine: paying, checkpointer, models: { fast: model } });
    expect((await (await second.resume('p')).result()).status).toBe('done');
    expect(slowRuns).toBe(1);
    await second.close();
  }, 15_000);

  it('hands a child agent back with its parent: the child starts no new model call either', async () => {
    // A review found the child, a run of its own, went on calling its model until the
    // parent's timeout, and was cut off mid-call there.
    const model = scriptedModel({
      handler: () => ({ content: '{"ok":true}', latencyMs: 100 }),
    });
    const ok = z.object({ ok: z.boolean() });
    const say = structuredCall({ model: 'fast', schema: ok, prompt: () => 'go' });
    const child = setup({
      actors: { say },
      types: { output: {} as { ok: boolean } },
    }).createMachine({
      id: 'child',
      initial: 'one',
      states: {
        one: { invoke: { src: 'say', onDone: 'two' } },
        two: { invoke: { src: 'say', onDone: 'three' } },
        three: { invoke: { src: 'say', onDone: 'done' } },
        done: { type: 'final' },
      },
      output: () => ({ ok: true }),
    });
    const parent = setup({
      actors: { child: agentActor({ machine: child, input: z.object({}), output: ok }) },
    }).createMachine({
      id: 'parent',
      initial: 'delegating',
      states: {
        delegating: { invoke: { src: 'child', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine: parent, checkpointer, models: { fast: model } });
    const asked = new Promise((resolve) => first.events.on('llm.call.start', resolve));
    first.start({ threadId: 'c', input: {} });
    await asked;
    await first.close({ timeoutMs: 1_000 });
    expect(model.requests).toHaveLength(1);
    const second = createAgent({ machine: parent, checkpointer, models: { fast: model } });
    expect((await (await second.resume('c')).result()).status).toBe('done');
    expect(model.requests).toHaveLength(3);
    await second.close();
  }, 15_000);
});

/** An agent on the approval chart and `checkpointer`, with createAgent's defaults. */
function approvalAgent(checkpointer: MemoryCheckpointer) {
  return createAgent({ machine, checkpointer });
}

/** A store whose `latest()` or `acquireLease()` waits, once `stalling`, until `answer()`. */
class StallingStore extends ReleaseSignalStore {
  stalling = false;
  readonly #stalled: 'latest' | 'acquireLease';
  #answer: () => void = () => undefined;
  readonly #answered = new Promise<void>((resolve) => {
    this.#answer = resolve;
  });
  constructor(stalled: 'latest' | 'acquireLease') {
    super();
    this.#stalled = stalled;
  }
  answer(): void {
    this.stalling = false;
    this.#answer();
  }
  override async latest(threadId: string) {
    if (this.stalling && this.#stalled === 'latest') await this.#answered;
    return super.latest(threadId);
  }
  override async acquireLease(...args: Parameters<MemoryCheckpointer['acquireLease']>) {
    if (this.stalling && this.#stalled === 'acquireLease') await this.#answered;
    return super.acquireLease(...args);
  }
}
