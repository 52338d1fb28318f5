import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DefinitionError } from '../errors/definition-error';
import { defineTool } from './define-tool';
import { toJsonSchema } from './to-json-schema';

const base = {
  description: 'Adds two numbers.',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.number(),
  effect: 'pure' as const,
  execute: async ({ a, b }: { a: number; b: number }) => a + b,
};

describe('defineTool', () => {
  it('makes the JSON Schema the model receives from the input schema', () => {
    const tool = defineTool({ name: 'add', ...base });
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    });
    expect(tool.timeoutMs).toBe(30_000);
  });

  it('rejects names providers refuse, empty descriptions and bad timeouts', () => {
    expect(() => defineTool({ name: 'add numbers', ...base })).toThrow(
      /not accepted by model providers/,
    );
    expect(() => defineTool({ name: 'add', ...base, description: ' ' })).toThrow(
      /empty description/,
    );
    expect(() => defineTool({ name: 'add', ...base, timeoutMs: 0 })).toThrow(/timeoutMs is 0/);
  });

  it('refuses a reconcile on a tool that is not unsafe, which would never be asked', () => {
    const reconcile = async () => ({ status: 'not_executed' as const });
    for (const effect of ['pure', 'idempotent'] as const) {
      expect(() => defineTool({ name: 'add', ...base, effect, reconcile })).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringContaining(
            `Tool "add" is '${effect}' and has a reconcile, which is asked only of 'unsafe' tools`,
          ),
        }),
      );
    }
    expect(defineTool({ name: 'add', ...base, effect: 'unsafe', reconcile }).reconcile).toBe(
      reconcile,
    );
  });

  it('names the tool when its schema cannot become JSON Schema', () => {
    const error = (() => {
      try {
        defineTool({
          name: 'when',
          ...base,
          input: z.object({ at: z.date() }),
          execute: async () => 0,
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(DefinitionError.isInstance(error) && error.code).toBe(
      'definition.schema_not_convertible',
    );
    expect((error as Error).message).toContain('Tool "when" input');
    expect((error as Error).message).toContain('at "at" (Date cannot be represented');
  });

  it('names the key of an output JSON cannot carry back', () => {
    const output = z.object({ order: z.object({ placedAt: z.date() }) });
    expect(() => defineTool({ name: 'when', ...base, output } as never)).toThrow(
      /cannot carry them at "order\.placedAt" \(Date cannot be represented/,
    );
  });

  it('says a zod 3 schema is one', async () => {
    const { z: z3 } = await import('zod/v3');
    // Before: "(Cannot read properties of undefined (reading 'def')) … for a date, ask for a string".
    expect(() => toJsonSchema(z3.object({ a: z3.string() }) as never, 'Tool "old" input')).toThrow(
      /It looks like a zod 3 schema .* agentchart takes zod 4 schemas/,
    );
  });

  it('refuses an output JSON cannot carry back from the journal, and takes transforms', () => {
    // Before: accepted, and every call failed at run time with tool.invalid_output.
    for (const output of [
      z.object({ at: z.date() }),
      z.object({ n: z.bigint() }),
      z.coerce.date(),
    ]) {
      expect(() => defineTool({ name: 'when', ...base, output })).toThrow(
        expect.objectContaining({
          code: 'definition.schema_not_convertible',
          message: expect.stringMatching(/^Tool "when" output: its values are journaled as JSON/),
        }),
      );
    }
    // A tool that returns nothing, or a field left out, comes back as it went.
    for (const output of [z.void(), z.undefined(), z.object({ note: z.undefined().optional() })]) {
      expect(() =>
        defineTool({ name: 'quiet', ...base, output, execute: async () => undefined as never }),
      ).not.toThrow();
    }
    expect(() =>
      defineTool({
        name: 'when',
        ...base,
        output: z.string().transform(Number),
        execute: async () => '3',
      }),
    ).not.toThrow();
  });
});

describe('toJsonSchema', () => {
  it('closes objects for structured output so strict mode can be used', () => {
    const schema = z.object({ items: z.array(z.object({ id: z.string() })) });
    const closed = toJsonSchema(schema, 'answer', 'output');
    expect(closed.additionalProperties).toBe(false);
    expect((closed.properties as any).items.items.additionalProperties).toBe(false);
    expect(toJsonSchema(schema, 'args').additionalProperties).toBeUndefined();
  });
});
