import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { toolCall } from '../effects/tool-call';
import { defineTool } from '../tools/define-tool';
import { parseNow } from './parse-now';

describe('parseNow', () => {
  it('parses as safeParse does, and refuses an asynchronous schema with a typed error naming it', () => {
    const schema = z.object({ id: z.string() });
    expect(parseNow(schema, { id: 'a' }, 'the schema')).toEqual({
      success: true,
      data: { id: 'a' },
    });
    expect(parseNow(schema, { id: 1 }, 'the schema').success).toBe(false);
    const asynchronous = schema.refine(async ({ id }) => id.length > 0);
    expect(() => parseNow(asynchronous, { id: 'a' }, 'tool "lookup"\'s input schema')).toThrow(
      expect.objectContaining({
        code: 'definition.async_schema',
        message: expect.stringMatching(/^tool "lookup"'s input schema is asynchronous/),
      }),
    );
  });

  it('refuses an asynchronous transform inside an object with the same typed error, not a TypeError', () => {
    // zod's compiled object parser throws "Cannot read properties of undefined (reading
    // 'length')" here instead of its own $ZodAsyncError.
    const schema = z.object({ id: z.string().transform(async (id) => id.trim()) });
    expect(() => parseNow(schema, { id: 'a' }, 'tool "lookup"\'s input schema')).toThrow(
      expect.objectContaining({
        code: 'definition.async_schema',
        message: expect.stringMatching(/^tool "lookup"'s input schema is asynchronous/),
      }),
    );
  });

  it("fails a run whose tool has an asynchronous input schema with that error, not zod's", async () => {
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a customer up.',
      input: z.object({ id: z.string() }).refine(async ({ id }) => id !== 'banned'),
      output: z.object({ name: z.string() }),
      effect: 'pure',
      execute: async () => ({ name: 'Ada' }),
    });
    const machine = setup({ actors: { lookup: toolCall(lookup) } }).createMachine({
      id: 'async-schema',
      initial: 'looking',
      states: {
        looking: { invoke: { src: 'lookup', input: { id: 'c1' }, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const outcome = await createAgent({ machine }).run({ input: undefined });
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'definition.async_schema' } });
  });
});
