import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { toolCall } from '../effects/tool-call';
import type { JournalEntry } from '../ledger/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { StorageError } from '../store/storage-error';
import { defineTool } from '../tools/define-tool';

/** A store whose reads of tool journal entries fail while `down`, as a database out of reach. */
class FlakyJournalStore extends MemoryCheckpointer {
  down = false;
  override async getEffect(threadId: string, key: string): Promise<JournalEntry | undefined> {
    if (this.down && key.includes(':tool:')) {
      throw new StorageError(
        'storage.unavailable',
        'postgres://agents@db:5432/agents',
        `PostgreSQL at postgres://agents@db:5432/agents failed while reading journal entry "${key}" of thread "${threadId}": terminating connection due to administrator command (57P01).`,
      );
    }
    return super.getEffect(threadId, key);
  }
}

const add = defineTool({
  name: 'add',
  description: 'Adds one.',
  input: z.number(),
  output: z.number(),
  effect: 'pure',
  execute: async (count: number) => count + 1,
});

/** Asks a person, then adds one: the tool's step runs in a run restored from the store. */
const machine = setup({
  types: { context: {} as { count: number }, output: {} as number },
  actors: {
    ask: humanWait({ prompt: () => 'Go on?', reply: z.object({ ok: z.boolean() }) }),
    add: toolCall(add),
  },
}).createMachine({
  id: 'ask-then-add',
  context: { count: 1 },
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'ask', onDone: 'adding' } },
    adding: {
      invoke: {
        src: 'add',
        input: ({ context }) => context.count,
        onDone: {
          target: 'done',
          actions: assign({ count: ({ event }) => event.output }),
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.count,
});

describe('a journal read the store fails (a database out of reach)', () => {
  it("fails the run with the store's error and keeps the thread resumable, instead of failing the step as the tool's (tool.failed) and storing the thread failed", async () => {
    const store = new FlakyJournalStore();
    const first = createAgent({ machine, checkpointer: store });
    const started = await first.start({ threadId: 't', input: {} }).result();
    expect(started.status).toBe('waiting');
    await first.close();
    const waitId = (started as { waits: { waitId: string }[] }).waits[0]!.waitId;

    const second = createAgent({ machine, checkpointer: store });
    store.down = true;
    const handle = await second.send('t', { type: 'human.reply', waitId, value: { ok: true } });
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'storage.unavailable' } });
    // Stored failed, the thread was over: no resume, the step never made.
    expect((await store.latest('t'))?.run.status).toBe('waiting');
    await second.close();

    // The thread is as its last checkpoint left it, waiting: the reply, which the failed run
    // did not store, is sent again (a worker's reply job is retried) and the step is made.
    store.down = false;
    const third = createAgent({ machine, checkpointer: store });
    const again = await third.send('t', { type: 'human.reply', waitId, value: { ok: true } });
    expect(await again.result()).toMatchObject({ status: 'done', output: 2 });
    await third.close();
  });
});
