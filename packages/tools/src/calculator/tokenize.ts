import { CalculatorError } from './calculator-error';
import type { Token } from './types';

const numberPattern = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const namePattern = /[A-Za-z_][A-Za-z0-9_]*/y;
const whitespacePattern = /[ \t\r\n]+/y;

/**
 * Splits an expression into tokens. Only digits, names, `+ - * / % ^ **`, parentheses,
 * commas and whitespace exist in the grammar; any other character is refused here, so
 * quotes, brackets, dots after names, `;` and `=` never reach the parser.
 */
export function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < expression.length) {
    const char = expression[position]!;
    const space = matchAt(whitespacePattern, expression, position);
    if (space) {
      position += space.length;
      continue;
    }
    const number = matchAt(numberPattern, expression, position);
    if (number) {
      tokens.push({ type: 'number', value: Number(number), text: number, position });
      position += number.length;
      continue;
    }
    const name = matchAt(namePattern, expression, position);
    if (name) {
      tokens.push({ type: 'name', text: name, position });
      position += name.length;
      continue;
    }
    if (char === '*' && expression[position + 1] === '*') {
      tokens.push({ type: 'operator', text: '^', position });
      position += 2;
      continue;
    }
    if (
      char === '+' ||
      char === '-' ||
      char === '*' ||
      char === '/' ||
      char === '%' ||
      char === '^'
    ) {
      tokens.push({ type: 'operator', text: char, position });
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ type: 'punctuation', text: char, position });
    } else {
      throw new CalculatorError(
        `Unexpected character ${JSON.stringify(char)} at position ${position}. Only numbers, + - * / % ^, parentheses, commas and the names of functions and constants are allowed.`,
        { expression, position, expected: 'a number, an operator, a name or a parenthesis' },
      );
    }
    position += 1;
  }
  tokens.push({ type: 'end', text: '', position: expression.length });
  return tokens;
}

function matchAt(pattern: RegExp, text: string, position: number): string | undefined {
  pattern.lastIndex = position;
  return pattern.exec(text)?.[0];
}
