import { describe, expect, it } from 'vitest';
import { CalculatorError } from './calculator-error';
import { evaluateExpression } from './evaluate-expression';

/** The CalculatorError an expression throws (fails the test when it does not throw one). */
function errorOf(expression: string, limits?: Parameters<typeof evaluateExpression>[1]) {
  try {
    evaluateExpression(expression, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(CalculatorError);
    return error as CalculatorError;
  }
  throw new Error(`expected ${JSON.stringify(expression)} to be refused`);
}

describe('evaluateExpression', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 10', 1024],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5],
    ['--3', 3],
    ['+4', 4],
    ['7 % 3', 1],
    ['-7 % 3', -1],
    ['100 / 8', 12.5],
    ['.5 + 1.5e2 + 2E-1', 150.7],
    ['sqrt(16) + abs(-3)', 7],
    ['min(4, 2, 8) + max(1, 9)', 11],
    ['round(2.5) + floor(-1.5) + ceil(1.2)', 3],
    ['log(e) + exp(0)', 2],
    ['log(1000, 10)', 2.9999999999999996],
    ['2 * pi', 2 * Math.PI],
    [' \t1\n+\r1 ', 2],
    ['-0 * 5', 0],
  ])('evaluates %j to %d', (expression, expected) => {
    expect(evaluateExpression(expression)).toBe(expected);
  });

  it('says where a syntax error is and what was expected', () => {
    const error = errorOf('(1 + 2 * 3');
    expect(error.position).toBe(10);
    expect(error.expected).toBe('")" to close the one opened at position 0');
    expect(error.message).toContain(
      'Expected ")" to close the one opened at position 0 at position 10, but found the end of the expression.',
    );
    expect(error.message).toContain('  (1 + 2 * 3\n            ^');
  });

  it.each([
    ['1 +', 3, 'the end of the expression'],
    ['1 2', 2, '"2"'],
    ['2x', 1, '"x"'],
    ['* 3', 0, '"*"'],
    ['()', 1, '")"'],
    ['max(1,)', 6, '")"'],
    ['', 0, 'the end of the expression'],
  ])('refuses %j at position %i (found %s)', (expression, position, found) => {
    const error = errorOf(expression);
    expect(error.position).toBe(position);
    expect(error.message).toContain(`but found ${found}`);
  });

  it('refuses division and remainder by zero, naming the operator', () => {
    expect(errorOf('1 / (2 - 2)').message).toContain(
      'Division by zero at position 2: the right side of "/" is 0.',
    );
    expect(errorOf('5 % 0').position).toBe(2);
  });

  it.each([
    ['10 ^ 400', 'is too large to represent (Infinity)'],
    ['1e400', 'is too large to represent (Infinity)'],
    ['9 ^ 9 ^ 9 ^ 9', 'is too large to represent (Infinity)'],
    ['2 ^ 1e10', 'is too large to represent (Infinity)'],
    ['1e308 * 10', 'is too large to represent (Infinity)'],
    ['sqrt(-1)', 'The result of sqrt() at position 0 is not a real number (NaN)'],
    ['log(0)', 'The result of log() at position 0 is too large to represent (-Infinity)'],
    ['(-8) ^ (1/3)', 'is not a real number (NaN)'],
  ])('refuses %j, whose result is not a finite number', (expression, message) => {
    expect(errorOf(expression).message).toContain(message);
  });

  it('checks the number of arguments of each function', () => {
    expect(errorOf('sqrt(1, 2)').message).toContain(
      'sqrt() takes 1 argument, but was given 2 at position 0.',
    );
    expect(errorOf('log(1, 2, 3)').message).toContain('log() takes 1 to 2 arguments');
    expect(errorOf('5 + max()').message).toContain('but found ")"');
  });

  it('names the functions and constants it knows when a name is unknown', () => {
    const error = errorOf('foo(1)');
    expect(error.message).toContain('Unknown name "foo" at position 0.');
    expect(error.message).toContain(
      'Functions: sqrt, abs, round, floor, ceil, exp, log, min, max.',
    );
    expect(errorOf('PI * 2').message).toContain('Did you mean "pi"?');
    expect(errorOf('sqrt + 1').message).toContain('must be called with parentheses');
    expect(errorOf('pi(2)').message).toContain('"pi" at position 0 is a constant, not a function');
  });

  it('bounds the length of the input', () => {
    const long = `${'1+'.repeat(600)}1`;
    expect(errorOf(long).message).toContain('is 1201 characters long; the limit is 1000');
    expect(evaluateExpression(long, { maxLength: 2_000 })).toBe(601);
  });

  it('bounds the nesting depth, however it is nested', () => {
    expect(evaluateExpression(`${'('.repeat(50)}1${')'.repeat(50)}`)).toBe(1);
    for (const deep of [
      `${'('.repeat(51)}1${')'.repeat(51)}`,
      `${'-'.repeat(51)}1`,
      `${'abs('.repeat(51)}1${')'.repeat(51)}`,
      `${'2^'.repeat(51)}1`,
    ]) {
      expect(errorOf(deep).message).toContain('nests deeper than 50 levels');
    }
    // Far past any limit: refused by the check, never by a stack overflow.
    expect(errorOf(`${'('.repeat(100_000)}1`, { maxLength: 200_000 }).message).toContain(
      'nests deeper than 50 levels',
    );
  });

  it('refuses limits that would leave the input unbounded', () => {
    expect(() => evaluateExpression('1', { maxDepth: Number.NaN })).toThrow('maxDepth is NaN');
    expect(() => evaluateExpression('1', { maxLength: Infinity })).toThrow('maxLength is Infinity');
  });

  it('keeps a long flat sum shallow, so only nesting counts against the depth', () => {
    expect(evaluateExpression(`${'1+'.repeat(40_000)}1`, { maxLength: 100_000 })).toBe(40_001);
  });
});
