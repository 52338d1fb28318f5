import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { structuredCall } from '../effects/structured-call';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { scriptedModel } from '../testing/scripted-model';
import { createAgent } from './create-agent';

const ticket = z.object({
  message: z.string().min(1),
  priority: z.enum(['low', 'high']).default('low'),
});

const machine = setup({
  types: {
    input: {} as z.output<typeof ticket>,
    context: {} as { message: string; priority: string; team?: string },
  },
  actors: {
    classify: structuredCall({
      model: 'fast',
      schema: z.object({ team: z.string() }),
      prompt: (message: string) => `Classify: ${message}`,
    }),
  },
}).createMachine({
  id: 'tickets',
  context: ({ input }) => ({ message: input.message, priority: input.priority }),
  initial: 'classifying',
  states: {
    classifying: {
      invoke: {
        src: 'classify',
        input: ({ context }) => context.message,
        onDone: { target: 'done', actions: assign({ team: ({ event }) => event.output.team }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ team: context.team, priority: context.priority }),
});

describe('createAgent({ input })', () => {
  it('refuses input that breaks the schema before anything is stored or called', async () => {
    const model = scriptedModel({ responses: [{ json: { team: 'billing' } }] });
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine, models: { fast: model }, checkpointer, input: ticket });
    // Before: the misnamed key started the thread and paid a call on "Classify: undefined".
    const given = { msg: 'charged twice' } as unknown as z.output<typeof ticket>;
    await expect(agent.run({ threadId: 't1', input: given })).rejects.toMatchObject({
      code: 'agent.invalid_input',
      message: expect.stringContaining(
        'message: Invalid input: expected string, received undefined',
      ),
      issues: [expect.objectContaining({ path: ['message'] })],
    });
    expect(() => agent.start({ threadId: 't2', input: given })).toThrow(
      expect.objectContaining({ code: 'agent.invalid_input' }),
    );
    expect(model.requests).toHaveLength(0);
    expect(await checkpointer.list('t1')).toEqual([]);
    expect(await checkpointer.list('t2')).toEqual([]);
  });

  it('gives the machine what the schema parses the input to', async () => {
    const model = scriptedModel({ responses: [{ json: { team: 'billing' } }] });
    const agent = createAgent({ machine, models: { fast: model }, input: ticket });
    const given = { message: 'charged twice' } as z.output<typeof ticket>;
    const outcome = await agent.run({ input: given });
    expect(outcome).toMatchObject({ status: 'done', output: { team: 'billing', priority: 'low' } });
  });

  it("takes only a schema that parses to the machine's input", () => {
    const other = () =>
      createAgent({
        machine,
        models: { fast: scriptedModel() },
        // @ts-expect-error: the schema parses to another shape than the machine's input.
        input: z.object({ text: z.string() }),
      });
    expect(other).not.toThrow();
  });

  it('refuses an input option that is no schema where the agent is created', () => {
    expect(() =>
      createAgent({
        machine,
        models: { fast: scriptedModel() },
        input: { message: 'string' } as never,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringContaining('input must be the zod schema'),
      }),
    );
  });
});

describe('a start input nested too deep', () => {
  const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
  /** Keeps its input in its context and rests, as a chart started from a request body does. */
  const keeper = setup({
    types: { input: {} as unknown, context: {} as { input: unknown } },
  }).createMachine({
    id: 'keeper',
    context: ({ input }) => ({ input }),
    initial: 'open',
    states: { open: { on: { close: 'closed' } }, closed: { type: 'final' } },
  });

  it.each([3_000, 200_000])(
    'refuses input nested %i levels deep before anything is stored, as it refuses such an event',
    async (depth) => {
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({ machine: keeper, checkpointer });
      // Before: the start ended `failed` with the code `unknown` (the sealer's "Converting
      // circular structure to JSON") once the first checkpoint was written.
      expect(() => agent.start({ threadId: 'deep', input: nested(depth) })).toThrow(
        expect.objectContaining({
          code: 'agent.invalid_input',
          message: expect.stringContaining('more than 256 levels deep'),
        }),
      );
      expect(await agent.getCheckpoint('deep')).toBeUndefined();
      const shallow = await agent.run({ threadId: 'shallow', input: nested(256) });
      expect(shallow.status).toBe('waiting');
      await agent.close();
    },
  );
});
