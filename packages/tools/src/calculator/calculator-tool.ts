import { defineTool, type Tool } from '@agentchart/core';
import { checkOptionNames, optionNamesOf } from '@agentchart/core/internal';
import { z } from 'zod';
import { requirePositiveInteger } from '../shared/validate-option';
import {
  defaultMaxExpressionDepth,
  defaultMaxExpressionLength,
  evaluateExpression,
} from './evaluate-expression';
import type { ExpressionLimits } from './types';

/** Options of {@link calculatorTool}. */
export interface CalculatorToolOptions extends ExpressionLimits {
  /** The tool's name as the model sees it. Default `calculator`. */
  name?: string | undefined;
}

/** The input schema of {@link calculatorTool}, with a given length limit. */
const calculatorInput = (maxLength: number) =>
  z.strictObject({
    expression: z
      .string()
      .min(1)
      .max(maxLength)
      .describe('An arithmetic expression, e.g. "(1200 * 0.19) + sqrt(16) - 2^3".'),
  });

const calculatorOutput = z.object({ result: z.number() });

/** The calculator tool's type. */
export type CalculatorTool = Tool<ReturnType<typeof calculatorInput>, typeof calculatorOutput>;

/** Every option of {@link calculatorTool}, checked against its type by the compiler. */
const calculatorToolOptionNames = optionNamesOf<CalculatorToolOptions>({
  name: true,
  maxLength: true,
  maxDepth: true,
});

/**
 * A tool that evaluates arithmetic: numbers, `+ - * / % ^` (or `**`), parentheses, unary
 * minus, `sqrt abs min max round floor ceil log exp` and the constants `pi` and `e`. It has its
 * own parser — no `eval` — and bounded input length and nesting, so it is `pure` and safe
 * to offer any model.
 *
 * Arithmetic is IEEE 754 double precision, as in JavaScript: not exact. Decimal fractions
 * round in binary (`0.1 + 0.2` is `0.30000000000000004`) and integers are exact only up to
 * 2^53. The description tells the model so, and to round what it shows; for money, keep
 * amounts in whole cents or use a decimal library in a tool of your own. Errors (bad syntax, division by zero, results that are not finite)
 * say where in the expression the problem is.
 *
 * @example
 * ```ts
 * toolLoop({ model: 'fast', tools: [calculatorTool()], prompt: (q: string) => q })
 * ```
 */
export function calculatorTool(options: CalculatorToolOptions = {}): CalculatorTool {
  checkOptionNames('calculatorTool', options, calculatorToolOptionNames);
  const {
    name = 'calculator',
    maxLength = defaultMaxExpressionLength,
    maxDepth = defaultMaxExpressionDepth,
  } = options;
  requirePositiveInteger('calculatorTool', 'maxLength', maxLength);
  requirePositiveInteger('calculatorTool', 'maxDepth', maxDepth);
  return defineTool({
    name,
    description:
      'Evaluates an arithmetic expression in double-precision floating point (like a spreadsheet) and returns the number. Supports + - * / % ^, parentheses, sqrt, abs, min, max, round, floor, ceil, log (natural; log(x, base)), exp, pi and e. Results carry about 15 significant digits and binary rounding: 0.1 + 0.2 gives 0.30000000000000004, so round results before showing them (e.g. round(x * 100) / 100 for cents). Use it for any calculation instead of doing arithmetic in your head.',
    input: calculatorInput(maxLength),
    output: calculatorOutput,
    effect: 'pure',
    timeoutMs: 1_000,
    execute: async ({ expression }) => ({
      result: evaluateExpression(expression, { maxLength, maxDepth }),
    }),
  });
}
