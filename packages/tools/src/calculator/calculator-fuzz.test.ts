import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeTally, fuzzToolInput, toolInputArbitrary } from '../shared/fuzz-tool-input';
import { calculatorTool } from './calculator-tool';

const expressionPieces = fc.constantFrom(
  '1',
  '0.1',
  '2e308',
  '(',
  ')',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '**',
  ',',
  'sqrt(',
  'max(',
  'pi',
  'e',
  'constructor',
  '__proto__',
  'process.exit()',
  'globalThis.pwned=1',
  '"',
  '`',
  ';',
  ' ',
);

describe('calculatorTool fuzzing', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete (globalThis as { pwned?: unknown }).pwned;
  });

  it('validates or refuses every generated call before anything runs', async ({ annotate }) => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('process.exit was called');
    });
    const tool = calculatorTool({ maxLength: 200 });
    const tally = await fuzzToolInput(
      tool,
      toolInputArbitrary({
        expression: fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.array(expressionPieces, { maxLength: 30 }).map((pieces) => pieces.join('')),
          fc
            .tuple(
              fc.double({ noNaN: true }),
              fc.constantFrom('+', '-', '*', '/', '^'),
              fc.integer(),
            )
            .map(([left, operator, right]) => `${left} ${operator} ${right}`),
        ),
      }),
      {
        numRuns: 300,
        afterEach: () => {
          expect(exit).not.toHaveBeenCalled();
          expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
        },
      },
    );
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.executed).toBeGreaterThan(0);
    await annotate(describeTally(tally));
  });
});
