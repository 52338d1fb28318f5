import { CalculatorError } from './calculator-error';
import { calculatorConstants, calculatorFunctions } from './functions';
import { tokenize } from './tokenize';
import type { BinaryOperator, ExpressionNode, Token } from './types';

/**
 * Parses an arithmetic expression by recursive descent:
 *
 * ```
 * expression := term (("+" | "-") term)*
 * term       := unary (("*" | "/" | "%") unary)*
 * unary      := ("-" | "+") unary | power
 * power      := primary ("^" unary)?          right-associative; -2^2 is -(2^2)
 * primary    := number | constant | name "(" expression ("," expression)* ")" | "(" expression ")"
 * ```
 *
 * Every recursion (parentheses, calls, signs, exponents) counts against `maxDepth`, so no
 * input can exhaust the stack.
 */
export function parseExpression(expression: string, maxDepth: number): ExpressionNode {
  const tokens = tokenize(expression);
  let index = 0;
  const peek = (): Token => tokens[index]!;
  const next = (): Token => tokens[index++]!;

  const fail = (token: Token, expected: string): never => {
    throw new CalculatorError(
      `Expected ${expected} at position ${token.position}, but found ${describeToken(token)}.`,
      { expression, position: token.position, expected },
    );
  };

  const enter = (depth: number, token: Token): number => {
    if (depth >= maxDepth) {
      throw new CalculatorError(
        `The expression nests deeper than ${maxDepth} levels (parentheses, calls, signs and exponents) at position ${token.position}. Simplify it or split it into steps.`,
        { expression, position: token.position },
      );
    }
    return depth + 1;
  };

  const parseChain = (
    depth: number,
    operators: readonly BinaryOperator[],
    parseOperand: (depth: number) => ExpressionNode,
  ): ExpressionNode => {
    const first = parseOperand(depth);
    const rest: { operator: BinaryOperator; operand: ExpressionNode; position: number }[] = [];
    for (;;) {
      const token = peek();
      if (token.type !== 'operator' || !operators.includes(token.text as BinaryOperator)) break;
      next();
      rest.push({
        operator: token.text as BinaryOperator,
        operand: parseOperand(depth),
        position: token.position,
      });
    }
    return rest.length === 0 ? first : { type: 'chain', first, rest, position: first.position };
  };

  const parseSum = (depth: number): ExpressionNode =>
    parseChain(depth, ['+', '-'], (d) => parseChain(d, ['*', '/', '%'], parseUnary));

  const parseUnary = (depth: number): ExpressionNode => {
    const token = peek();
    if (token.type === 'operator' && (token.text === '-' || token.text === '+')) {
      next();
      const operand = parseUnary(enter(depth, token));
      return token.text === '-' ? { type: 'negate', operand, position: token.position } : operand;
    }
    return parsePower(depth);
  };

  const parsePower = (depth: number): ExpressionNode => {
    const base = parsePrimary(depth);
    const token = peek();
    if (token.type !== 'operator' || token.text !== '^') return base;
    next();
    const exponent = parseUnary(enter(depth, token));
    return { type: 'power', base, exponent, position: token.position };
  };

  const parsePrimary = (depth: number): ExpressionNode => {
    const token = next();
    if (token.type === 'number') {
      return { type: 'number', value: token.value, position: token.position };
    }
    if (token.type === 'punctuation' && token.text === '(') {
      const inner = parseSum(enter(depth, token));
      expectClosing(token);
      return inner;
    }
    if (token.type === 'name') {
      const open = peek();
      if (open.type === 'punctuation' && open.text === '(') {
        next();
        return parseCall(token, enter(depth, open));
      }
      if (calculatorConstants.has(token.text)) {
        return { type: 'constant', name: token.text, position: token.position };
      }
      throw unknownName(expression, token, calculatorFunctions.has(token.text));
    }
    return fail(token, 'a number, a constant, a function call or "("');
  };

  const parseCall = (name: Token, depth: number): ExpressionNode => {
    const fn = calculatorFunctions.get(name.text);
    if (!fn && calculatorConstants.has(name.text)) {
      throw new CalculatorError(
        `"${name.text}" at position ${name.position} is a constant, not a function; write it without "(".`,
        { expression, position: name.position, expected: 'an operator' },
      );
    }
    if (!fn) throw unknownName(expression, name, false);
    const args = [parseSum(depth)];
    for (let token = peek(); token.type === 'punctuation' && token.text === ','; token = peek()) {
      next();
      args.push(parseSum(depth));
    }
    expectClosing(name);
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const wanted =
        fn.minArgs === fn.maxArgs
          ? `${fn.minArgs}`
          : fn.maxArgs === Number.POSITIVE_INFINITY
            ? `at least ${fn.minArgs}`
            : `${fn.minArgs} to ${fn.maxArgs}`;
      throw new CalculatorError(
        `${name.text}() takes ${wanted} argument${wanted === '1' ? '' : 's'}, but was given ${args.length} at position ${name.position}.`,
        { expression, position: name.position },
      );
    }
    return { type: 'call', name: name.text, args, position: name.position };
  };

  const expectClosing = (opening: Token) => {
    const token = peek();
    if (token.type === 'punctuation' && token.text === ')') {
      next();
      return;
    }
    fail(token, `")" to close the one opened at position ${opening.position}`);
  };

  const tree = parseSum(0);
  const end = peek();
  if (end.type !== 'end') fail(end, 'an operator or the end of the expression');
  return tree;
}

function describeToken(token: Token): string {
  return token.type === 'end' ? 'the end of the expression' : JSON.stringify(token.text);
}

function unknownName(expression: string, token: Token, isFunction: boolean): CalculatorError {
  const functions = [...calculatorFunctions.keys()].join(', ');
  const constants = [...calculatorConstants.keys()].join(', ');
  const lower = token.text.toLowerCase();
  const hint =
    lower !== token.text && (calculatorFunctions.has(lower) || calculatorConstants.has(lower))
      ? ` Did you mean "${lower}"? Names are lower-case.`
      : '';
  const problem = isFunction
    ? `The function "${token.text}" at position ${token.position} must be called with parentheses, e.g. ${token.text}(2).`
    : `Unknown name "${token.text}" at position ${token.position}.${hint} Functions: ${functions}. Constants: ${constants}.`;
  return new CalculatorError(problem, {
    expression,
    position: token.position,
    expected: 'a function or a constant',
  });
}
