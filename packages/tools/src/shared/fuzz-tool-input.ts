import { type AnyTool, toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import fc from 'fast-check';
import { expect, vi } from 'vitest';

/** How a batch of fuzzed calls went, for the test's annotation. */
export interface FuzzTally {
  runs: number;
  /** Refused by the input contract: `execute` never ran. */
  rejected: number;
  /** Passed the contract and reached `execute` (which may still refuse). */
  executed: number;
  /** Of those, refused or failed by the tool itself. */
  failed: number;
}

/**
 * Arguments a model might send a tool: anything at all, objects with the tool's own fields
 * holding anything, the same with an extra field, and plausible values from `fields`.
 */
export function toolInputArbitrary(
  fields: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<unknown> {
  const hostile = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('', '..', '/', '\0', '__proto__', 'constructor', 'a'.repeat(5_000)),
  );
  const loose = Object.fromEntries(
    Object.keys(fields).map((key) => [key, fc.oneof(hostile, fields[key]!)]),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
    { weight: 2, arbitrary: fc.record(loose, { requiredKeys: [] }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.record(fields, { requiredKeys: [] }),
          fc.string({ minLength: 1, maxLength: 12 }),
          hostile,
        )
        .map(([input, key, value]) => ({ ...input, [key]: value })),
    },
    { weight: 4, arbitrary: fc.record(fields, { requiredKeys: Object.keys(fields).slice(0, 1) }) },
  );
}

/**
 * Calls `tool` through the harness (`toolCall`) with each generated input and checks that
 * the input contract decides before anything runs: an input the schema refuses ends in
 * `tool.invalid_arguments` with `execute` never called; an accepted one reaches `execute`
 * exactly once, with the parsed value. `afterEach` checks the world after every call (a
 * directory, a database, a server that must stay untouched).
 */
export async function fuzzToolInput(
  tool: AnyTool,
  inputs: fc.Arbitrary<unknown>,
  {
    numRuns,
    afterEach = async () => undefined,
  }: { numRuns: number; afterEach?: (input: unknown, accepted: boolean) => Promise<void> | void },
): Promise<FuzzTally> {
  const tally: FuzzTally = { runs: 0, rejected: 0, executed: 0, failed: 0 };
  const execute = vi.spyOn(tool, 'execute');
  try {
    await fc.assert(
      fc.asyncProperty(inputs, async (input) => {
        execute.mockClear();
        const parsed = tool.input.safeParse(input);
        const { error } = await runEffect(toolCall(tool), input);
        tally.runs += 1;
        if (!parsed.success) {
          tally.rejected += 1;
          expect(error?.code).toBe('tool.invalid_arguments');
          expect(execute).not.toHaveBeenCalled();
        } else {
          tally.executed += 1;
          expect(execute).toHaveBeenCalledTimes(1);
          expect(execute.mock.calls[0]![0]).toEqual(parsed.data);
          if (error) {
            tally.failed += 1;
            expect(['tool.failed', 'tool.timeout']).toContain(error.code);
          }
        }
        await afterEach(input, parsed.success);
      }),
      { numRuns },
    );
  } finally {
    execute.mockRestore();
  }
  return tally;
}

/** One line for a test annotation. */
export function describeTally({ runs, rejected, executed, failed }: FuzzTally): string {
  return `${runs} generated calls: ${rejected} refused by the input contract before execute, ${executed} executed (${failed} of them refused or failed by the tool)`;
}
