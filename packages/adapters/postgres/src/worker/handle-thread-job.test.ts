import {
  type AcquireLeaseOptions,
  agentActor,
  type Checkpoint,
  CheckpointError,
  createAgent,
  defineTool,
  humanWait,
  MemoryCheckpointer,
  StorageError,
  type ThreadLease,
  toolCall,
} from '@agentchart/core';
import { manualClock } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { handleThreadJob } from './handle-thread-job';

const approval = setup({
  actors: { approve: humanWait({ prompt: () => 'Ship?', reply: z.object({ ok: z.boolean() }) }) },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
});

/**
 * Asks to ship, then ships and bills with a pure tool that returns only once `release` is
 * called: a run held mid-step after its reply was taken, for a worker to be stopped then.
 */
function heldShipping(id: string) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const ship = defineTool({
    name: 'ship',
    description: 'Ships the order.',
    effect: 'pure',
    input: z.object({}),
    output: z.object({ shipped: z.boolean() }),
    execute: async () => {
      await released;
      return { shipped: true };
    },
  });
  const machine = setup({
    actors: {
      approve: humanWait({ prompt: () => 'Ship?', reply: z.object({ ok: z.boolean() }) }),
      ship: toolCall(ship),
    },
  }).createMachine({
    id,
    initial: 'asking',
    states: {
      asking: { invoke: { id: 'approve', src: 'approve', onDone: 'shipping' } },
      shipping: { invoke: { id: 'ship', src: 'ship', input: () => ({}), onDone: 'billing' } },
      billing: { invoke: { id: 'bill', src: 'ship', input: () => ({}), onDone: 'done' } },
      done: { type: 'final' },
    },
  });
  return { machine, release: () => release() };
}

/** A store whose server is out of reach for the first `failures` leases asked of it. */
class FlakyStore extends MemoryCheckpointer {
  constructor(private failures: number) {
    super();
  }
  override async acquireLease(
    threadId: string,
    options: AcquireLeaseOptions,
  ): Promise<ThreadLease> {
    if (this.failures-- > 0) {
      throw new StorageError('storage.unavailable', 'postgres://db/agents', 'the server is down');
    }
    return super.acquireLease(threadId, options);
  }
}

/** A store that refuses the first checkpoint asked of it as another run's, storing nothing. */
class LosingStore extends MemoryCheckpointer {
  #refused = false;
  override async save(checkpoint: Checkpoint) {
    if (!this.#refused) {
      this.#refused = true;
      throw new CheckpointError('checkpoint.conflict', checkpoint.threadId, 'taken by another run');
    }
    return super.save(checkpoint);
  }
}

describe('handleThreadJob', () => {
  it('refuses an event job no state of the thread takes, saying so, rather than reporting its rest', async () => {
    const agent = createAgent({ machine: approval, checkpointer: new MemoryCheckpointer() });
    const closing = { closing: () => false };
    await handleThreadJob(agent, { kind: 'start', threadId: 'E-1', input: {} }, closing);
    const job = { kind: 'event', threadId: 'E-1', event: { type: 'cancel' } } as const;
    // Before: { status: 'waiting' }, as if the event had been delivered.
    expect(await handleThreadJob(agent, job, closing)).toMatchObject({
      threadId: 'E-1',
      status: 'refused',
      code: 'run.event_not_taken',
      detail: expect.stringContaining('did not take "cancel"'),
    });
    await agent.close();
  });

  it('fails a start job whose run lost its thread before any checkpoint was stored, so the start is tried again', async () => {
    const agent = createAgent({ machine: approval, checkpointer: new LosingStore() });
    const job = { kind: 'start', threadId: 'T-2', input: {} } as const;
    await expect(handleThreadJob(agent, job, { closing: () => false })).rejects.toThrow(
      /the start is tried again/,
    );
    expect(await handleThreadJob(agent, job, { closing: () => false })).toEqual({
      threadId: 'T-2',
      status: 'waiting',
    });
    await agent.close();
  });

  it('fails a start job whose run met a storage fault, so the queue tries it again and the start is not lost', async () => {
    const agent = createAgent({ machine: approval, checkpointer: new FlakyStore(1) });
    const job = { kind: 'start', threadId: 'T-1', input: {} } as const;
    await expect(handleThreadJob(agent, job, { closing: () => false })).rejects.toMatchObject({
      code: 'storage.unavailable',
    });
    // The queue's retry: the server answers again, and the thread starts.
    expect(await handleThreadJob(agent, job, { closing: () => false })).toEqual({
      threadId: 'T-1',
      status: 'waiting',
    });
    await agent.close();
  });

  it('completes a reply job whose run was handed back on shutdown after the reply was applied, rather than retrying it as "already-ended" (issue: rolling deploy)', async () => {
    const { machine: shipping, release } = heldShipping('shipping');
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine: shipping, checkpointer });
    const waiting = await first.start({ threadId: 'R-1', input: {} }).result();
    const waitId = waiting.status === 'waiting' ? waiting.waits[0]!.waitId : '';
    let closing = false;
    const job = { kind: 'reply', threadId: 'R-1', waitId, value: { ok: true } } as const;
    const handled = handleThreadJob(first, job, { closing: () => closing });
    const stateOf = async () =>
      ((await checkpointer.latest('R-1'))?.snapshot as { value?: unknown } | undefined)?.value;
    for (let tries = 0; tries < 1_000 && (await stateOf()) !== 'shipping'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // The worker is told to stop (a rolling deploy) while the step after the reply runs.
    closing = true;
    const closed = first.close({ timeoutMs: 0 });
    release();
    await closed;
    // Before: it failed (HandedBackError), and its retry reported "already-ended" or
    // "already-answered": the API told the person their applied reply came too late.
    expect(await handled).toMatchObject({ threadId: 'R-1', status: 'running' });
    const entries = await createAgent({ machine: shipping, checkpointer }).journal('R-1');
    expect(entries.find((entry) => entry.key === waitId)?.status).toBe('completed');
  });

  it("completes a reply job to a child agent's wait whose family was handed back after the child took it", async () => {
    const { machine: clerk, release } = heldShipping('clerk');
    const desk = setup({
      actors: { clerk: agentActor({ machine: clerk, input: z.object({}), output: z.any() }) },
    }).createMachine({
      id: 'desk',
      initial: 'delegating',
      states: {
        delegating: { invoke: { id: 'clerk', src: 'clerk', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine: desk, checkpointer });
    const waiting = await first.start({ threadId: 'D-1', input: {} }).result();
    const waitId = waiting.status === 'waiting' ? waiting.waits[0]!.waitId : '';
    expect(waitId).toContain('/');
    let closing = false;
    const job = { kind: 'reply', threadId: 'D-1', waitId, value: { ok: true } } as const;
    const handled = handleThreadJob(first, job, { closing: () => closing });
    const childShips = async () => {
      for (const { threadId } of await checkpointer.listThreads()) {
        const value = ((await checkpointer.latest(threadId))?.snapshot as { value?: unknown })
          ?.value;
        if (threadId !== 'D-1' && value === 'shipping') return true;
      }
      return false;
    };
    for (let tries = 0; tries < 1_000 && !(await childShips()); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    closing = true;
    const closed = first.close({ timeoutMs: 0 });
    release();
    await closed;
    // Before: HandedBackError, then "already-answered" on its retry (the child's journal,
    // not the parent's, holds the answered wait).
    expect(await handled).toMatchObject({ threadId: 'D-1', status: 'running' });
  });

  it('refuses a reply job that came after the wait timed out, rather than failing it for the queue to retry (issue 9)', async () => {
    const hour = 3_600_000;
    const timed = setup({
      actors: {
        approve: humanWait({ prompt: () => 'Ship?', reply: z.boolean(), timeoutMs: hour }),
      },
    }).createMachine({
      id: 'timed',
      initial: 'asking',
      states: {
        asking: { invoke: { src: 'approve', onDone: 'done', onError: 'expired' } },
        done: { type: 'final' },
        expired: { type: 'final' },
      },
    });
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine: timed, checkpointer, clock: manualClock(0) });
    const waiting = await first.start({ threadId: 'T-2', input: {} }).result();
    await first.close();
    const waitId = waiting.status === 'waiting' ? waiting.waits[0]!.waitId : '';
    const later = createAgent({ machine: timed, checkpointer, clock: manualClock(2 * hour) });
    const job = { kind: 'reply', threadId: 'T-2', waitId, value: true } as const;
    expect(await handleThreadJob(later, job, { closing: () => false })).toMatchObject({
      threadId: 'T-2',
      status: 'refused',
      code: 'human.timeout',
      detail: expect.stringContaining('came after its deadline'),
    });
    await later.close();
  });

  it('refuses a start job whose thread or tenant id the agent refuses, rather than failing it 50 times', async () => {
    const agent = createAgent({ machine: approval, checkpointer: new MemoryCheckpointer() });
    const jobs = [
      { kind: 'start', threadId: 'T-3\nforged', input: {} },
      { kind: 'start', threadId: 'T-4', input: {}, tenantId: 'acme\u0000' },
    ] as const;
    for (const job of jobs) {
      expect(await handleThreadJob(agent, job, { closing: () => false })).toMatchObject({
        threadId: job.threadId,
        status: 'refused',
        code: 'definition.invalid_option',
        detail: expect.stringContaining('control character'),
      });
    }
    await agent.close();
  });

  it("refuses a start job whose input the agent's input schema refuses, rather than failing it 50 times", async () => {
    const agent = createAgent({
      machine: approval,
      input: z.object({ amount: z.number() }),
      checkpointer: new MemoryCheckpointer(),
    });
    // An API passes the request's body on as the input; the API server has no agent to check it.
    const job = { kind: 'start', threadId: 'T-5', input: { amount: 'lots' } } as const;
    // Before: the job threw agent.invalid_input, and the queue tried it again, every time alike.
    expect(await handleThreadJob(agent, job, { closing: () => false })).toMatchObject({
      threadId: 'T-5',
      status: 'refused',
      code: 'agent.invalid_input',
      detail: expect.stringContaining('input schema'),
    });
    expect(await agent.getCheckpoint('T-5')).toBeUndefined();
    await agent.close();
  });

  describe("a job for a tenant acts on that tenant's threads only (issue: globex's reply job approved acme's payment)", () => {
    const closing = () => false;
    async function acmeWaiting() {
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({ machine: approval, checkpointer, evictWaiting: true });
      const waiting = await agent
        .start({ threadId: 'pay-1', input: {}, tenantId: 'acme' })
        .result();
      const waitId = waiting.status === 'waiting' ? waiting.waits[0]!.waitId : '';
      return { agent, waitId };
    }

    it('refuses a reply, an event and a wake for another tenant, and leaves the thread waiting', async () => {
      const { agent, waitId } = await acmeWaiting();
      const jobs = [
        { kind: 'reply', threadId: 'pay-1', waitId, value: { ok: true }, tenantId: 'globex' },
        { kind: 'event', threadId: 'pay-1', event: { type: 'cancel' }, tenantId: 'globex' },
        { kind: 'wake', threadId: 'pay-1', reason: 'due', tenantId: 'globex' },
      ] as const;
      for (const job of jobs) {
        const result = await handleThreadJob(agent, job, { closing });
        expect(result).toMatchObject({
          threadId: 'pay-1',
          status: 'refused',
          code: 'run.wrong_tenant',
        });
        expect(result.detail).toContain('is not a thread of tenant "globex"');
        expect(result.detail).not.toContain('acme');
      }
      expect((await agent.getCheckpoint('pay-1'))?.run.status).toBe('waiting');
      // The thread's own tenant is answered, and so is an operator's job, with no tenant.
      expect(
        await handleThreadJob(
          agent,
          { kind: 'reply', threadId: 'pay-1', waitId, value: { ok: true }, tenantId: 'acme' },
          { closing },
        ),
      ).toEqual({ threadId: 'pay-1', status: 'done' });
      await agent.close();
    });

    it("refuses a job for a tenant on a thread that does not exist as it refuses another tenant's", async () => {
      const { agent } = await acmeWaiting();
      const missing = await handleThreadJob(
        agent,
        { kind: 'event', threadId: 'pay-9', event: { type: 'cancel' }, tenantId: 'globex' },
        { closing },
      );
      const other = await handleThreadJob(
        agent,
        { kind: 'event', threadId: 'pay-1', event: { type: 'cancel' }, tenantId: 'globex' },
        { closing },
      );
      expect(missing.detail?.replace('pay-9', 'pay-1')).toBe(other.detail);
      await agent.close();
    });

    it("refuses a start for an id another tenant's thread has, rather than resuming that thread", async () => {
      const { agent } = await acmeWaiting();
      for (const tenantId of ['globex', undefined]) {
        const job = { kind: 'start', threadId: 'pay-1', input: {}, tenantId } as const;
        const result = await handleThreadJob(agent, job, { closing });
        expect(result).toMatchObject({
          threadId: 'pay-1',
          status: 'refused',
          code: 'run.already_running',
        });
        expect(result.detail).toContain('is taken by a thread');
      }
      // A redelivered start of the thread's own tenant still resumes it.
      expect(
        await handleThreadJob(
          agent,
          { kind: 'start', threadId: 'pay-1', input: {}, tenantId: 'acme' },
          { closing },
        ),
      ).toEqual({ threadId: 'pay-1', status: 'waiting' });
      await agent.close();
    });
  });
});
