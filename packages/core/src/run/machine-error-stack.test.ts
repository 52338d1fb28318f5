import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';

/** A chart whose own code throws: an action reading a field of a value that is not there. */
const machine = setup({
  types: { input: {} as { order?: { id: string } }, context: {} as { id?: string } },
}).createMachine({
  id: 'buggy',
  context: {},
  initial: 'reading',
  states: {
    reading: {
      entry: assign({ id: ({ event }) => (event.input as { order: { id: string } }).order.id }),
      always: 'done',
    },
    done: { type: 'final' },
  },
});

describe("a failure in the chart's own code", () => {
  it('carries its stack in the outcome and run.end, not in the checkpoint', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine, checkpointer });
    const ends: unknown[] = [];
    agent.events.on('run.end', ({ error }) => ends.push(error));
    const outcome = await agent.run({ threadId: 'b', input: {} });
    await agent.close();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    // Before: `{ name: 'TypeError', code: 'unknown', message }`, naming no file or line.
    expect(outcome.error).toMatchObject({ name: 'TypeError', code: 'unknown' });
    expect(outcome.error.stack).toMatch(/machine-error-stack\.test\.ts:\d+/);
    expect(ends).toEqual([expect.objectContaining({ stack: outcome.error.stack })]);
    // The store keeps what happened, not the paths of the machine's files.
    const stored = (await checkpointer.latest('b'))?.run.error;
    expect(stored).toEqual({ code: 'unknown', message: outcome.error.message });
  });
});
