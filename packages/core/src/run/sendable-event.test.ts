import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';

const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** Keeps every `note` event's body in its context, as a chart that logs a webhook does. */
const machine = setup({
  types: { context: {} as { notes: unknown[] }, events: {} as { type: 'note'; body: unknown } },
}).createMachine({
  id: 'notes',
  context: { notes: [] },
  initial: 'open',
  states: {
    open: {
      on: {
        note: {
          actions: assign({ notes: ({ context, event }) => [...context.notes, event.body] }),
        },
      },
    },
  },
});

describe('assertSendableEvent (agent.send)', () => {
  it.each([1_990, 3_000, 200_000])(
    'refuses an event nested %i levels deep before it reaches the machine, rather than failing the run',
    async (depth) => {
      const stores = tempStores();
      const agent = createAgent({ machine, checkpointer: stores.open() });
      await agent.start({ threadId: 'n', input: {} }).result();
      // Before: the run failed with "Maximum call stack size exceeded" or a circular-structure
      // error as the checkpoint was written (the event lost, the caller told `failed`), and
      // 200,000 levels threw a bare RangeError.
      const deep = { type: 'note' as const, body: nested(depth) };
      await expect(agent.send('n', deep).then((handle) => handle.result())).rejects.toMatchObject({
        code: 'run.invalid_event',
        message: expect.stringContaining('more than 256 levels deep'),
      });
      const shallow = { type: 'note' as const, body: nested(255) };
      const handle = await agent.send('n', shallow);
      expect(await handle.result()).toMatchObject({ status: 'waiting' });
      expect((await agent.getCheckpoint('n'))?.run.status).toBe('waiting');
      await agent.close();
      stores.cleanup();
    },
  );
});
