import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import type { RunEvent } from '../events/types';
import type { JournalEntry } from '../ledger/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { PutEffectOptions } from '../store/types';
import { defineTool } from '../tools/define-tool';
import { humanWait } from './human-wait';
import { toolCall } from './tool-call';

/**
 * A store that holds back the write of an effect's intent (a `started` journal record) until
 * `open()`: the time a durable store takes to make it, stretched so a test can act in it.
 */
class IntentGateStore extends MemoryCheckpointer {
  #reached: () => void = () => undefined;
  #open: () => void = () => undefined;
  /** Resolves once an intent's write is held back. */
  readonly reached = new Promise<void>((resolve) => {
    this.#reached = resolve;
  });
  readonly #gate = new Promise<void>((resolve) => {
    this.#open = resolve;
  });
  open(): void {
    this.#open();
  }
  async #hold(journal: readonly JournalEntry[]): Promise<void> {
    if (!journal.some((entry) => entry.status === 'started')) return;
    this.#reached();
    await this.#gate;
  }
  override async saveWithJournal(
    ...args: Parameters<MemoryCheckpointer['saveWithJournal']>
  ): ReturnType<MemoryCheckpointer['saveWithJournal']> {
    await this.#hold(args[1]);
    return super.saveWithJournal(...args);
  }
  override async putEffect(entry: JournalEntry, options?: PutEffectOptions): Promise<void> {
    await this.#hold([entry]);
    return super.putEffect(entry, options);
  }
}

function probeTool(name: string, log: string[], ms: number) {
  return defineTool({
    name,
    description: `Waits ${ms} ms unless aborted.`,
    input: z.object({}),
    output: z.object({ done: z.boolean() }),
    effect: 'pure',
    execute: (_input, { signal }) =>
      new Promise((resolve, reject) => {
        log.push(`${name}:start`);
        const timer = setTimeout(() => {
          log.push(`${name}:end`);
          resolve({ done: true });
        }, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          log.push(`${name}:aborted`);
          reject(signal.reason);
        });
      }),
  });
}

describe('effect lifecycle', () => {
  it('aborts an effect when its state is exited', async () => {
    const log: string[] = [];
    const machine = setup({
      actors: { slow: toolCall(probeTool('slow', log, 5_000)) },
    }).createMachine({
      id: 'exit',
      initial: 'working',
      states: {
        working: { invoke: { src: 'slow', input: {} }, on: { CANCEL: 'cancelled' } },
        cancelled: { type: 'final' },
      },
    });
    const agent = createAgent({ machine });
    const handle = agent.start({ input: undefined });
    await new Promise((resolve) => setTimeout(resolve, 10));
    handle.send({ type: 'CANCEL' });
    const outcome = await handle.result();
    expect(outcome.status).toBe('done');
    expect(log).toEqual(['slow:start', 'slow:aborted']);
  });

  it('runs effects in parallel regions concurrently', async () => {
    const log: string[] = [];
    const machine = setup({
      actors: {
        left: toolCall(probeTool('left', log, 30)),
        right: toolCall(probeTool('right', log, 30)),
      },
    }).createMachine({
      id: 'parallel',
      type: 'parallel',
      states: {
        a: {
          initial: 'run',
          states: {
            run: { invoke: { src: 'left', input: {}, onDone: 'done' } },
            done: { type: 'final' },
          },
        },
        b: {
          initial: 'run',
          states: {
            run: { invoke: { src: 'right', input: {}, onDone: 'done' } },
            done: { type: 'final' },
          },
        },
      },
    });
    const outcome = await createAgent({ machine }).run({ input: undefined });
    expect(outcome.status).toBe('done');
    // Both started before either finished: they ran at the same time, not one after the other.
    expect(log.slice(0, 2).sort()).toEqual(['left:start', 'right:start']);
    expect(log.slice(2).sort()).toEqual(['left:end', 'right:end']);
  });

  it('stops a run: effects are aborted and the outcome is stopped', async () => {
    const log: string[] = [];
    const machine = setup({
      actors: { slow: toolCall(probeTool('slow', log, 5_000)) },
    }).createMachine({
      id: 'stop',
      invoke: { src: 'slow', input: {} },
    });
    const handle = createAgent({ machine }).start({ input: undefined });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const outcome = await handle.stop();
    expect(outcome.status).toBe('stopped');
    expect(log).toEqual(['slow:start', 'slow:aborted']);
  });

  it('never runs a tool whose run was stopped while its intent was being written', async () => {
    // Before: the write of the unsafe call's intent went on after stop(), and then the tool's
    // execute ran — after run.end, with its signal already aborted — so a payment the user
    // stopped before it began was made all the same, and its record stayed `started`.
    const charged: boolean[] = [];
    const charge = defineTool({
      name: 'charge',
      description: 'Charges a card.',
      input: z.object({}),
      output: z.object({ id: z.string() }),
      effect: 'unsafe',
      execute: async (_input, { signal }) => {
        charged.push(signal.aborted);
        return { id: 'ch_1' };
      },
    });
    const machine = setup({ actors: { charge: toolCall(charge) } }).createMachine({
      id: 'charge-stop',
      initial: 'charging',
      states: {
        charging: { invoke: { src: 'charge', input: {}, onDone: 'charged' } },
        charged: { type: 'final' },
      },
    });
    const store = new IntentGateStore();
    const agent = createAgent({ machine, checkpointer: store });
    const handle = agent.start({ input: undefined });
    await store.reached;
    const stopped = handle.stop();
    store.open();
    expect((await stopped).status).toBe('stopped');
    await agent.close();
    expect(charged).toEqual([]);
    expect((await agent.getCheckpoint(handle.threadId))?.run.status).toBe('stopped');
  });

  it('announces no wait whose run was stopped while its intent was being written', async () => {
    // Before: `human.wait` was emitted after the stopped run's `run.end`, asking a person to
    // answer a thread that had ended.
    const machine = setup({
      actors: { ask: humanWait({ prompt: () => 'Approve?', reply: z.boolean() }) },
    }).createMachine({
      id: 'ask-stop',
      initial: 'asking',
      states: {
        asking: { invoke: { src: 'ask', input: {}, onDone: 'answered' } },
        answered: { type: 'final' },
      },
    });
    const store = new IntentGateStore();
    const agent = createAgent({ machine, checkpointer: store });
    const seen: RunEvent['type'][] = [];
    agent.events.onAny((event) => seen.push(event.type));
    const handle = agent.start({ input: undefined });
    await store.reached;
    const stopped = handle.stop();
    store.open();
    expect((await stopped).status).toBe('stopped');
    await agent.close();
    expect(seen).not.toContain('human.wait');
    expect(seen.at(-1)).toBe('run.end');
  });
});
