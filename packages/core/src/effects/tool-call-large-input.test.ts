import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { journaledInput, sameJournaledInput } from '../ledger/journaled-input';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { toolCall } from './tool-call';
import { toolLoop } from './tool-loop';

const upload = defineTool({
  name: 'upload',
  description: 'Stores a document and says how long it was.',
  input: z.object({ name: z.string(), body: z.string() }),
  output: z.object({ length: z.number() }),
  effect: 'idempotent',
  execute: async ({ body }) => ({ length: body.length }),
});

/** A chart that uploads `body` once with `toolCall`. */
function uploading(body: string) {
  return setup({ actors: { upload: toolCall(upload) } }).createMachine({
    id: 'uploading',
    initial: 'uploading',
    states: {
      uploading: { invoke: { src: 'upload', input: { name: 'a.txt', body }, onDone: 'done' } },
      done: { type: 'final' },
    },
  });
}

/** The JSON size of each of the thread's journal rows, by key. */
async function rowSizes(checkpointer: MemoryCheckpointer, threadId: string) {
  const entries = await checkpointer.listEffects(threadId);
  return entries.map((entry) => ({ key: entry.key, bytes: JSON.stringify(entry).length }));
}

describe("a tool call's input in the journal", () => {
  it('keeps a digest and a preview of a 2 MB argument, not the argument', async () => {
    // Before: the row held the whole input, 2 MB (5 MB for a 5 MB argument).
    const body = 'x'.repeat(2_000_000);
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: uploading(body), checkpointer });
    expect((await agent.run({ threadId: 'u', input: {} })).status).toBe('done');
    const [entry] = await checkpointer.listEffects('u');
    expect(entry).toMatchObject({
      status: 'completed',
      output: { length: 2_000_000 },
      input: { omitted: true, bytes: 2_000_026, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(JSON.stringify(entry).length).toBeLessThan(2_000);
    // The run log still finds the call's repeats by its arguments' hash.
    expect(entry?.meta?.inputHash).toEqual(expect.stringMatching(/^[0-9a-f]{16}$/));
    await agent.close();
  });

  it('keeps a small input whole', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: uploading('hello'), checkpointer });
    await agent.run({ threadId: 's', input: {} });
    const [entry] = await checkpointer.listEffects('s');
    expect(entry?.input).toEqual({ name: 'a.txt', body: 'hello' });
    await agent.close();
  });

  it('caps it at createAgent({ maxJournalValueBytes })', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({
      machine: uploading('y'.repeat(5_000)),
      checkpointer,
      maxJournalValueBytes: 4_096,
    });
    await agent.run({ threadId: 'c', input: {} });
    const [entry] = await checkpointer.listEffects('c');
    expect(entry?.input).toMatchObject({ omitted: true, bytes: 5_026 });
    await agent.close();
  });

  it('writes a tool loop call of a 2 MB argument once, in the model answer that made it', async () => {
    // Before: the model's answer and the tool's row held 2 MB each.
    const body = 'z'.repeat(2_000_000);
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'upload', arguments: { name: 'b.txt', body } }] },
        'Stored.',
      ],
      // A window that takes the 2 MB call back in the history of the loop's next call.
      metadata: { contextWindow: 10_000_000, pricing: { inputPerMillion: 0, outputPerMillion: 0 } },
    });
    const machine = setup({
      actors: { loop: toolLoop({ model: 'm', tools: [upload], prompt: () => 'Store it.' }) },
    }).createMachine({
      id: 'looping',
      initial: 'looping',
      states: { looping: { invoke: { src: 'loop', onDone: 'done' } }, done: { type: 'final' } },
    });
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine, checkpointer, models: { m: model } });
    expect((await agent.run({ threadId: 'l', input: {} })).status).toBe('done');
    const large = (await rowSizes(checkpointer, 'l')).filter((row) => row.bytes > 100_000);
    expect(large.map((row) => row.key)).toEqual(['0.looping.looping#0/0:llm']);
    await agent.close();
  });

  it('replays a call whose input was kept as a digest, and diverges when the input differs', async () => {
    const body = 'x'.repeat(1_100_000);
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: uploading(body), checkpointer });
    await agent.run({ threadId: 'r', input: {} });
    expect((await agent.replay('r')).status).toBe('done');
    // The same size, one character changed at the end, past the preview.
    const changed = createAgent({ machine: uploading(`${body.slice(0, -1)}y`), checkpointer });
    await expect(changed.replay('r')).rejects.toMatchObject({ code: 'replay.diverged' });
    await agent.close();
    await changed.close();
  });
});

describe('sameJournaledInput', () => {
  const cap = { maxBytes: 64, redactor: undefined };
  const large = { b: 'x'.repeat(100), a: 1 };

  it('matches an input against its digest, whatever the order of its keys', () => {
    const kept = journaledInput(large, cap);
    expect(kept).toMatchObject({ omitted: true });
    expect(sameJournaledInput(kept, { a: 1, b: 'x'.repeat(100) })).toBe(true);
    expect(sameJournaledInput(kept, journaledInput({ a: 1, b: 'x'.repeat(100) }, cap))).toBe(true);
    expect(sameJournaledInput(kept, { a: 2, b: 'x'.repeat(100) })).toBe(false);
    // A record written whole before inputs were capped matches the same input capped.
    expect(sameJournaledInput(large, kept)).toBe(true);
    expect(sameJournaledInput({ a: 1 }, { a: 1 })).toBe(true);
    expect(sameJournaledInput({ a: 1 }, { a: 2 })).toBe(false);
  });
});
