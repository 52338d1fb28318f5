import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import type { ChatRequest } from '../model/types';
import { manualClock } from '../testing/manual-clock';
import { type ScriptedResponse, scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { agentActor } from './agent-actor';
import { humanWait } from './human-wait';
import { toolLoop } from './tool-loop';

/*
 * A reply that comes after its wait timed out is refused with the wait's own timeout code
 * (human.timeout, approval.expired) on every path — a run in memory, evicted, ended, or
 * another process on the same file — and one sent twice, or to a wait that was answered,
 * with run.not_waiting. Found by a review of the first version, which took the journal's
 * last wait opened for "the last wait" and missed child agents' waits.
 */

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

const hour = 3_600_000;

/** The code `attempt` throws or rejects with; undefined when it succeeds. */
async function codeOf(attempt: () => unknown): Promise<string | undefined> {
  try {
    await attempt();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

/** Two regions, each asking once: `legal` opens (and is journaled) first, `finance` second. */
function twoAsks(legalTimeout: number, financeTimeout: number) {
  const legal = humanWait({ prompt: () => 'Legal?', reply: z.boolean(), timeoutMs: legalTimeout });
  const finance = humanWait({
    prompt: () => 'Finance?',
    reply: z.boolean(),
    timeoutMs: financeTimeout,
  });
  return setup({ actors: { legal, finance } }).createMachine({
    id: 'both',
    type: 'parallel',
    states: {
      legal: {
        initial: 'asking',
        states: {
          asking: { invoke: { src: 'legal', onDone: 'answered', onError: 'timedOut' } },
          answered: { type: 'final' },
          timedOut: { type: 'final' },
        },
      },
      finance: {
        initial: 'asking',
        states: {
          asking: { invoke: { src: 'finance', onDone: 'answered', onError: 'timedOut' } },
          answered: { type: 'final' },
          timedOut: { type: 'final' },
        },
      },
    },
  });
}

describe('late reply, parallel waits, reply without waitId', () => {
  it('the later-opened wait timed out, the earlier-opened one was answered LAST: same code on every path', async () => {
    // finance (opened second) times out at 1h; legal (opened first) is answered at 1.5h.
    const clock = manualClock(0);
    const agent = createAgent({
      machine: twoAsks(2 * hour, hour),
      checkpointer: stores.open(),
      clock,
    });
    const handle = agent.start({ threadId: 'b', input: {} });
    const rest = await handle.result();
    const waitIds = rest.status === 'waiting' ? rest.waits.map((w) => w.waitId) : [];
    expect(waitIds).toHaveLength(2);
    await clock.advance(hour + 1);
    await clock.advance(hour / 2);
    handle.reply(true, waitIds[0]);
    expect((await handle.result()).status).toBe('done');
    const value = { type: 'human.reply', value: true } as const;
    const codes = {
      handleReply: await codeOf(() => handle.reply(true)),
      agentSend: await codeOf(() => agent.send('b', value)),
    };
    await agent.close();
    const other = createAgent({
      machine: twoAsks(2 * hour, hour),
      checkpointer: stores.open(),
      clock,
    });
    const otherCode = await codeOf(() => other.send('b', value));
    await other.close();
    // The last wait that closed was answered: a reply without waitId is one sent twice.
    expect({ ...codes, otherProcess: otherCode }).toEqual({
      handleReply: 'run.not_waiting',
      agentSend: 'run.not_waiting',
      otherProcess: 'run.not_waiting',
    });
  });

  it('the earlier-opened wait timed out LAST, after the later-opened one was answered: same code on every path', async () => {
    // finance (opened second) is answered at 0.5h; legal (opened first) times out at 1h.
    const clock = manualClock(0);
    const agent = createAgent({
      machine: twoAsks(hour, 2 * hour),
      checkpointer: stores.open(),
      clock,
    });
    const handle = agent.start({ threadId: 'c', input: {} });
    const rest = await handle.result();
    const waitIds = rest.status === 'waiting' ? rest.waits.map((w) => w.waitId) : [];
    await clock.advance(hour / 2);
    handle.reply(true, waitIds[1]);
    await handle.result();
    await clock.advance(hour);
    expect((await handle.result()).status).toBe('done');
    const value = { type: 'human.reply', value: true } as const;
    const codes = {
      handleReply: await codeOf(() => handle.reply(true)),
      agentSend: await codeOf(() => agent.send('c', value)),
    };
    await agent.close();
    const other = createAgent({
      machine: twoAsks(hour, 2 * hour),
      checkpointer: stores.open(),
      clock,
    });
    const otherCode = await codeOf(() => other.send('c', value));
    await other.close();
    // The last wait that closed timed out: the reply is a late one, on every path.
    expect({ ...codes, otherProcess: otherCode }).toEqual({
      handleReply: 'human.timeout',
      agentSend: 'human.timeout',
      otherProcess: 'human.timeout',
    });
  });
});

/** A parent whose child agent asks for approval within an hour; the parent goes on either way. */
function parentOfTimingOutChild() {
  const approver = setup({
    actors: { ask: humanWait({ prompt: () => 'Approve?', reply: z.boolean(), timeoutMs: hour }) },
  }).createMachine({
    id: 'approver',
    initial: 'asking',
    states: {
      asking: { invoke: { src: 'ask', onDone: 'done', onError: 'gaveUp' } },
      done: { type: 'final' },
      gaveUp: { type: 'final' },
    },
    output: () => ({ summary: 'over' }),
  });
  const approve = agentActor({
    machine: approver,
    input: z.object({}),
    output: z.object({ summary: z.string() }),
  });
  return setup({ actors: { approve } }).createMachine({
    id: 'parent',
    initial: 'approving',
    states: {
      approving: { invoke: { src: 'approve', input: {}, onDone: 'next', onError: 'failed' } },
      // The parent goes on to another step and stays alive (an event ends it).
      next: { on: { finish: 'done' } },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
  });
}

describe("late reply to a child agent's wait, through the parent", () => {
  it('is refused with human.timeout, not run.not_waiting', async () => {
    for (const evictWaiting of [false, true]) {
      const clock = manualClock(0);
      const agent = createAgent({
        machine: parentOfTimingOutChild(),
        checkpointer: stores.open(),
        clock,
        evictWaiting,
      });
      const threadId = `p-${evictWaiting}`;
      const handle = agent.start({ threadId, input: {} });
      const rest = await handle.result();
      const waitId = rest.status === 'waiting' ? rest.waits[0]!.waitId : '';
      expect(waitId).not.toBe('');
      await clock.advance(hour + 1);
      for (let turn = 0; turn < 50 && handle.getSnapshot().value !== 'next'; turn++)
        await clock.advance(0);
      expect(handle.getSnapshot().value).toBe('next');
      const value = { type: 'human.reply', value: true, waitId } as const;
      const codes = {
        // A handle whose run left memory delivers its reply through the store, and reports
        // a refusal from result() (a live one throws at once).
        handleReply: await codeOf(async () => {
          handle.reply(true, waitId);
          await handle.result();
        }),
        agentSend: await codeOf(() => agent.send(threadId, value)),
      };
      await agent.close();
      const other = createAgent({
        machine: parentOfTimingOutChild(),
        checkpointer: stores.open(),
        clock,
      });
      const otherCode = await codeOf(() => other.send(threadId, value));
      await other.close();
      expect({ evictWaiting, ...codes, otherProcess: otherCode }).toEqual({
        evictWaiting,
        handleReply: 'human.timeout',
        agentSend: 'human.timeout',
        otherProcess: 'human.timeout',
      });
    }
  });
});

/** The parent's own wait times out; then a child agent asks, and is answered through the parent. */
function parentAskingAfterItsOwnTimeout() {
  const approver = setup({
    actors: { ask: humanWait({ prompt: () => 'Child: approve?', reply: z.boolean() }) },
  }).createMachine({
    id: 'approver',
    initial: 'asking',
    states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
    output: () => ({ summary: 'approved' }),
  });
  const approve = agentActor({
    machine: approver,
    input: z.object({}),
    output: z.object({ summary: z.string() }),
  });
  const ask = humanWait({ prompt: () => 'Parent: go?', reply: z.boolean(), timeoutMs: hour });
  return setup({ actors: { approve, ask } }).createMachine({
    id: 'parent',
    initial: 'asking',
    states: {
      asking: { invoke: { src: 'ask', onDone: 'delegating', onError: 'delegating' } },
      delegating: { invoke: { src: 'approve', input: {}, onDone: 'idle' } },
      idle: { on: { finish: 'done' } },
      done: { type: 'final' },
    },
  });
}

describe("a reply sent twice to a child's wait, after the parent's own wait timed out", () => {
  it('is run.not_waiting (a reply sent twice), not human.timeout', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: parentAskingAfterItsOwnTimeout(),
      checkpointer: stores.open(),
      clock,
      evictWaiting: false,
    });
    const handle = agent.start({ threadId: 'p', input: {} });
    await handle.result();
    await clock.advance(hour + 1);
    for (let turn = 0; turn < 50 && handle.getSnapshot().value !== 'delegating'; turn++)
      await clock.advance(0);
    const rest = await handle.result();
    expect(rest.status === 'waiting' && rest.waits[0]?.prompt).toBe('Child: approve?');
    handle.reply(true);
    for (let turn = 0; turn < 50 && handle.getSnapshot().value !== 'idle'; turn++)
      await clock.advance(0);
    expect(handle.getSnapshot().value).toBe('idle');
    // The same reply again: the child's wait was answered, it is a reply sent twice.
    let code: string | undefined;
    try {
      handle.reply(true);
    } catch (error) {
      code = (error as { code?: string }).code;
    }
    expect(code).toBe('run.not_waiting');
    await agent.close();
  });
});

/** Asks; on a timeout asks once more (a new wait, a new key). */
function asksTwice() {
  return setup({
    types: { context: {} as { tries: number } },
    actors: { ask: humanWait({ prompt: () => 'Go?', reply: z.boolean(), timeoutMs: hour }) },
  }).createMachine({
    id: 'twice',
    context: { tries: 0 },
    initial: 'asking',
    states: {
      asking: {
        entry: assign({ tries: ({ context }) => context.tries + 1 }),
        invoke: {
          src: 'ask',
          onDone: 'done',
          onError: [
            { guard: ({ context }) => context.tries < 2, target: 'retry' },
            { target: 'gaveUp' },
          ],
        },
      },
      retry: { always: 'asking' },
      done: { type: 'final' },
      gaveUp: { type: 'final' },
    },
  });
}

describe('late reply after re-entry', () => {
  for (const evictWaiting of [false, true]) {
    it(`first wait timed out, second pending then answered (evictWaiting ${evictWaiting})`, async () => {
      const clock = manualClock(0);
      const agent = createAgent({
        machine: asksTwice(),
        checkpointer: stores.open(),
        clock,
        evictWaiting,
      });
      const handle = agent.start({ threadId: 't', input: {} });
      const first = await handle.result();
      const firstId = first.status === 'waiting' ? first.waits[0]!.waitId : '';
      await clock.advance(hour + 1);
      const second = await handle.result();
      const secondId = second.status === 'waiting' ? second.waits[0]!.waitId : '';
      expect(secondId).not.toBe('');
      expect(secondId).not.toBe(firstId);
      const late = (waitId?: string) =>
        ({ type: 'human.reply', value: true, ...(waitId ? { waitId } : {}) }) as const;
      // Second pending: a reply naming the first is late, on every path.
      const pending = {
        // An evicted run's handle reports the refusal through result().
        handle: await codeOf(async () => {
          handle.reply(true, firstId);
          await handle.result();
        }),
        send: await codeOf(() => agent.send('t', late(firstId))),
      };
      await agent.close();
      const other = createAgent({
        machine: asksTwice(),
        checkpointer: stores.open(),
        clock,
        evictWaiting,
      });
      const otherPending = await codeOf(() => other.send('t', late(firstId)));
      // Now answer the second (no waitId) in the other process.
      const answered = await other.send('t', late());
      expect(await answered.result()).toMatchObject({ status: 'done' });
      const after = {
        handle: await codeOf(() => answered.reply(true)),
        handleFirst: await codeOf(() => answered.reply(true, firstId)),
        send: await codeOf(() => other.send('t', late())),
        sendFirst: await codeOf(() => other.send('t', late(firstId))),
        sendSecond: await codeOf(() => other.send('t', late(secondId))),
      };
      await other.close();
      const third = createAgent({ machine: asksTwice(), checkpointer: stores.open(), clock });
      const thirdCodes = {
        none: await codeOf(() => third.send('t', late())),
        first: await codeOf(() => third.send('t', late(firstId))),
        second: await codeOf(() => third.send('t', late(secondId))),
      };
      await third.close();
      expect({ pending, otherPending, after, thirdCodes }).toEqual({
        pending: { handle: 'human.timeout', send: 'human.timeout' },
        otherPending: 'human.timeout',
        after: {
          handle: 'run.not_waiting',
          handleFirst: 'human.timeout',
          send: 'run.not_waiting',
          sendFirst: 'human.timeout',
          sendSecond: 'run.not_waiting',
        },
        thirdCodes: { none: 'run.not_waiting', first: 'human.timeout', second: 'run.not_waiting' },
      });
    });
  }
});

function mailAgent(
  checkpointer: ReturnType<typeof stores.open>,
  clock: ReturnType<typeof manualClock>,
  evictWaiting: boolean,
) {
  const sendEmail = defineTool({
    name: 'send_email',
    description: 'Sends an email.',
    input: z.object({ to: z.string() }),
    output: z.object({ id: z.string() }),
    effect: 'unsafe',
    approval: 'always',
    execute: async () => ({ id: 'm1' }),
  });
  const model = scriptedModel({
    handler: (request: ChatRequest): ScriptedResponse =>
      request.messages.some((m) => m.role === 'tool')
        ? 'Done'
        : { toolCalls: [{ name: 'send_email', arguments: { to: 'a' } }] },
  });
  const machine = setup({
    types: { context: {} as { error?: unknown } },
    actors: {
      assist: toolLoop({
        model: 'fast',
        tools: [sendEmail],
        prompt: (t: string) => t,
        approvals: { timeoutMs: 60_000 },
      }),
    },
  }).createMachine({
    id: 'mail',
    context: {},
    initial: 'assisting',
    states: {
      assisting: {
        invoke: {
          src: 'assist',
          input: 'Mail a.',
          onDone: 'done',
          onError: { target: 'done', actions: assign({ error: ({ event }) => event.error }) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
  return createAgent({ machine, models: { fast: model }, checkpointer, clock, evictWaiting });
}

describe('late approval on every path', () => {
  it('is approval.expired from agent.send and from another process, with and without waitId', async () => {
    for (const evictWaiting of [false, true]) {
      const clock = manualClock(0);
      const agent = mailAgent(stores.open(), clock, evictWaiting);
      const threadId = `t-${evictWaiting}`;
      const handle = agent.start({ threadId, input: undefined });
      let rest = await handle.result();
      for (let turn = 0; turn < 50 && rest.status !== 'waiting'; turn++) {
        await clock.advance(10);
        rest = await handle.result();
      }
      const waitId = rest.status === 'waiting' ? rest.waits[0]!.waitId : '';
      expect(waitId).not.toBe('');
      await clock.advance(60_000);
      expect(await handle.result()).toMatchObject({
        status: 'done',
        output: { error: { code: 'approval.expired' } },
      });
      const value = { approved: true, argumentsHash: 'x' };
      const codes = {
        handle: await codeOf(() => handle.reply(value)),
        send: await codeOf(() => agent.send(threadId, { type: 'human.reply', value })),
        sendNamed: await codeOf(() => agent.send(threadId, { type: 'human.reply', value, waitId })),
      };
      await agent.close();
      const other = mailAgent(stores.open(), clock, evictWaiting);
      const more = {
        other: await codeOf(() => other.send(threadId, { type: 'human.reply', value })),
        otherNamed: await codeOf(() =>
          other.send(threadId, { type: 'human.reply', value, waitId }),
        ),
      };
      await other.close();
      expect({ evictWaiting, ...codes, ...more }).toEqual({
        evictWaiting,
        handle: 'approval.expired',
        send: 'approval.expired',
        sendNamed: 'approval.expired',
        other: 'approval.expired',
        otherNamed: 'approval.expired',
      });
    }
  });
});
