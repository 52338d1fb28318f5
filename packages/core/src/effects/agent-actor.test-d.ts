import { expectTypeOf, it } from 'vitest';
import { type InputFrom, type OutputFrom, setup } from 'xstate';
import { z } from 'zod';
import type { AgentResult } from './agent-actor';
import { agentActor } from './agent-actor';

const typed = setup({
  types: { input: {} as { topic: string }, output: {} as { summary: string } },
}).createMachine({
  id: 'typed',
  initial: 'a',
  states: { a: { type: 'final' } },
  output: () => ({ summary: 's' }),
});
const untyped = setup({}).createMachine({
  id: 'untyped',
  initial: 'a',
  states: { a: { type: 'final' } },
});

it('types the actor by its schemas', () => {
  const actor = agentActor({
    machine: typed,
    input: z.object({ topic: z.string() }),
    output: z.object({ summary: z.string() }),
  });
  expectTypeOf<InputFrom<typeof actor>>().toEqualTypeOf<{ topic: string }>();
  expectTypeOf<OutputFrom<typeof actor>>().toEqualTypeOf<AgentResult<{ summary: string }>>();
});

it('takes schemas wider or stricter than the machine where that is sound', () => {
  // A transform of the input that parses to the machine's input.
  agentActor({
    machine: typed,
    input: z.string().transform((topic) => ({ topic })),
    output: z.object({ summary: z.string().min(1) }),
  });
  // An output schema that accepts more than the machine gives.
  agentActor({
    machine: typed,
    input: z.object({ topic: z.string(), extra: z.number() }),
    output: z.object({ summary: z.string().optional() }),
  });
  // A machine that declares no types: the schemas say what the child takes and gives.
  const actor = agentActor({
    machine: untyped,
    input: z.object({ topic: z.string() }),
    output: z.object({ summary: z.string() }),
  });
  expectTypeOf<OutputFrom<typeof actor>>().toEqualTypeOf<AgentResult<{ summary: string }>>();
});

it("refuses schemas that do not fit the child machine's declared input and output", () => {
  agentActor({
    machine: typed,
    // @ts-expect-error the machine takes { topic: string }
    input: z.object({ topic: z.number() }),
    output: z.object({ summary: z.string() }),
  });
  agentActor({
    machine: typed,
    input: z.object({ topic: z.string() }),
    // @ts-expect-error the machine gives { summary: string }, which this schema refuses
    output: z.object({ result: z.number() }),
  });
});
