import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import { toolCall } from '../effects/tool-call';
import type { JournalEntry } from '../ledger/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { StorageError } from '../store/storage-error';
import type { PutEffectOptions } from '../store/types';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';

/**
 * A store whose journal writes of a model call's intent fail while `full`, as a disk that
 * fills as a step starts; its checkpoints still go in, as they do once space comes back
 * (another write rolled back, a file deleted) before the run's next one.
 */
class FillingStore extends MemoryCheckpointer {
  full = false;
  override async putEffect(entry: JournalEntry, options?: PutEffectOptions): Promise<void> {
    if (this.full && entry.kind === 'llm' && entry.status === 'started') {
      throw new StorageError(
        'storage.full',
        '/var/lib/agents/runs.db',
        `The disk holding /var/lib/agents/runs.db is full: recording effect "${entry.key}" failed (database or disk is full; 0 bytes free).`,
      );
    }
    return super.putEffect(entry, options);
  }
}

describe('a journal write the store fails (a full disk) as a step starts', () => {
  it('fails the run with the store error and stores nothing more, so the thread stays running and a resume finishes it without acting twice (it was stored failed, for good, with the unsafe call that ran left started)', async () => {
    const charges: string[] = [];
    const charge = defineTool({
      name: 'charge',
      description: 'Charges a card.',
      input: z.object({ amount: z.number() }),
      output: z.object({ id: z.string() }),
      effect: 'unsafe',
      async execute(_input, { idempotencyKey }) {
        charges.push(idempotencyKey);
        // The disk fills as the charge is made: the next step's intent is refused.
        store.full = true;
        return { id: idempotencyKey };
      },
      async reconcile(_input, { idempotencyKey }) {
        return charges.includes(idempotencyKey)
          ? { status: 'completed', output: { id: idempotencyKey } }
          : { status: 'not_executed' };
      },
    });
    const machine = setup({
      types: { context: {} as { chargeId?: string; note?: string } },
      actors: {
        charge: toolCall(charge),
        summarize: structuredCall({
          model: 'fast',
          schema: z.object({ note: z.string() }),
          prompt: (id: string) => `Summarize charge ${id}`,
        }),
      },
    }).createMachine({
      id: 'charge-then-summarize',
      context: {},
      initial: 'charging',
      states: {
        charging: {
          invoke: {
            src: 'charge',
            input: { amount: 42 },
            onDone: {
              target: 'summarizing',
              actions: assign({ chargeId: ({ event }) => event.output.id }),
            },
          },
        },
        summarizing: {
          invoke: {
            src: 'summarize',
            input: ({ context }) => context.chargeId!,
            onDone: { target: 'done', actions: assign({ note: ({ event }) => event.output.note }) },
          },
        },
        done: { type: 'final' },
      },
      output: ({ context }) => context,
    });
    const store = new FillingStore();
    const fast = scriptedModel({ handler: () => ({ json: { note: 'charged' } }) });
    const first = createAgent({ machine, models: { fast }, checkpointer: store });
    const outcome = await first.run({ threadId: 't', input: {} });
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'storage.full' } });
    await first.close();
    // As its last durable checkpoint left it: not stored failed, which no resume continues.
    expect((await store.latest('t'))?.run.status).toBe('running');

    store.full = false;
    const second = createAgent({ machine, models: { fast }, checkpointer: store });
    const resumed = await (await second.resume('t')).result();
    expect(resumed).toMatchObject({ status: 'done', output: { note: 'charged' } });
    await second.close();
    expect(charges).toHaveLength(1);
  });
});
