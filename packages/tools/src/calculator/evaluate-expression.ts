import { requirePositiveInteger } from '../shared/validate-option';
import { CalculatorError } from './calculator-error';
import { calculatorConstants, calculatorFunctions } from './functions';
import { parseExpression } from './parse-expression';
import type { ExpressionLimits, ExpressionNode } from './types';

/** Default for {@link ExpressionLimits.maxLength}. */
export const defaultMaxExpressionLength = 1_000;
/** Default for {@link ExpressionLimits.maxDepth}. */
export const defaultMaxExpressionDepth = 50;

/**
 * Evaluates an arithmetic expression with a parser of its own: nothing is handed to `eval`
 * or `Function`, and only the listed functions and constants exist. Throws a
 * {@link CalculatorError} (with the position) for bad syntax, unknown names, division by
 * zero and results that are not finite numbers.
 *
 * @example
 * ```ts
 * evaluateExpression('max(2, 3) ^ 2 / (1 + 1)'); // 4.5
 * ```
 */
export function evaluateExpression(
  expression: string,
  {
    maxLength = defaultMaxExpressionLength,
    maxDepth = defaultMaxExpressionDepth,
  }: ExpressionLimits = {},
): number {
  requirePositiveInteger('evaluateExpression', 'maxLength', maxLength);
  requirePositiveInteger('evaluateExpression', 'maxDepth', maxDepth);
  if (expression.length > maxLength) {
    throw new CalculatorError(
      `The expression is ${expression.length} characters long; the limit is ${maxLength}. Split the calculation into steps.`,
      { expression, position: maxLength },
    );
  }
  const tree = parseExpression(expression, maxDepth);
  const result = evaluate(tree, expression);
  return result === 0 ? 0 : result; // no -0 in answers
}

function evaluate(node: ExpressionNode, expression: string): number {
  const finite = (value: number, what: string, position: number): number => {
    if (Number.isFinite(value)) return value;
    const why = Number.isNaN(value) ? 'is not a real number' : 'is too large to represent';
    throw new CalculatorError(`The result of ${what} at position ${position} ${why} (${value}).`, {
      expression,
      position,
    });
  };
  switch (node.type) {
    case 'number':
      return finite(node.value, 'the number', node.position);
    case 'constant':
      return calculatorConstants.get(node.name)!;
    case 'negate':
      return -evaluate(node.operand, expression);
    case 'power': {
      const base = evaluate(node.base, expression);
      const exponent = evaluate(node.exponent, expression);
      return finite(base ** exponent, '"^"', node.position);
    }
    case 'call': {
      const args = node.args.map((arg) => evaluate(arg, expression));
      return finite(
        calculatorFunctions.get(node.name)!.apply(args),
        `${node.name}()`,
        node.position,
      );
    }
    case 'chain': {
      let value = evaluate(node.first, expression);
      for (const { operator, operand, position } of node.rest) {
        const right = evaluate(operand, expression);
        if ((operator === '/' || operator === '%') && right === 0) {
          throw new CalculatorError(
            `Division by zero at position ${position}: the right side of "${operator}" is 0.`,
            { expression, position },
          );
        }
        value = finite(applyOperator(operator, value, right), `"${operator}"`, position);
      }
      return value;
    }
  }
}

function applyOperator(operator: '+' | '-' | '*' | '/' | '%', left: number, right: number) {
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return left / right;
    case '%':
      return left % right;
  }
}
