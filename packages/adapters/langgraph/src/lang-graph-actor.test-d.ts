import { expectTypeOf, it } from 'vitest';
import type { InputFrom, OutputFrom } from 'xstate';
import { z } from 'zod';
import { researchGraph } from '../test/fixtures/research-graph';
import { langGraphActor } from './lang-graph-actor';

const { graph } = researchGraph();

it('types the actor by its schemas', () => {
  const actor = langGraphActor({
    graph,
    name: 'research',
    input: z.object({ topic: z.string() }),
    output: z.object({ summary: z.string() }),
  });
  expectTypeOf<InputFrom<typeof actor>>().toEqualTypeOf<{ topic: string }>();
  expectTypeOf<OutputFrom<typeof actor>>().toEqualTypeOf<{ summary: string }>();
});

it("takes the graph's own input type without an input schema, and unknown output without an output schema", () => {
  const actor = langGraphActor({ graph, name: 'research' });
  expectTypeOf<InputFrom<typeof actor>>().toExtend<{ topic?: string }>();
  expectTypeOf<{ topic: string }>().toExtend<InputFrom<typeof actor>>();
  expectTypeOf<OutputFrom<typeof actor>>().toBeUnknown();
});

it('refuses something that is not a compiled graph', () => {
  // @ts-expect-error a graph builder is not compiled: it has no invoke()
  langGraphActor({ graph: {}, name: 'research' });
});
