import { DefinitionError } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { researchGraph } from '../test/fixtures/research-graph';
import { langGraphActor } from './lang-graph-actor';

describe('langGraphActor options', () => {
  const { graph } = researchGraph();
  const output = z.object({ summary: z.string() });

  it('refuses a misspelt option, which would leave the final state unchecked (issue 9)', () => {
    expect(() => langGraphActor({ graph, name: 'research', ouput: output } as never)).toThrow(
      /langGraphActor.*ouput.*output/s,
    );
  });

  it('refuses a graph that is not compiled, a missing name and a schema that is not zod (issue 9)', () => {
    const builder = { addNode: () => undefined };
    expect(() => langGraphActor({ graph: builder as never, name: 'research' })).toThrow(
      /graph must be a compiled LangGraph graph.*\.compile\(\)/,
    );
    expect(() => langGraphActor({ graph, name: '' })).toThrow(/name must name the graph/);
    expect(() =>
      langGraphActor({ graph, name: 'research', output: { summary: 'string' } as never }),
    ).toThrow(/output must be a zod schema/);
    expect(() => langGraphActor({ graph, name: 'research', recursionLimit: 0 })).toThrow(
      /recursionLimit must be a whole number/,
    );
    expect(() => langGraphActor({ graph, name: 'research', prompt: 'Approve?' as never })).toThrow(
      DefinitionError,
    );
  });

  it('accepts every option spelt as documented', () => {
    expect(() =>
      langGraphActor({
        graph,
        name: 'research',
        input: z.object({ topic: z.string() }),
        output,
        reply: z.string(),
        prompt: (value) => String(value),
        recursionLimit: 25,
      }),
    ).not.toThrow();
  });
});
