/**
 * Why an expression was refused or could not be evaluated. Thrown as a plain `Error` so the
 * harness reports it as `tool.failed` with this message, which the model can act on.
 */
export class CalculatorError extends Error {
  /** 0-based index into the expression where the problem is. */
  readonly position: number;
  /** What the parser expected at `position`, when the problem is one of syntax. */
  readonly expected: string | undefined;

  constructor(
    message: string,
    {
      expression,
      position,
      expected,
    }: { expression: string; position: number; expected?: string | undefined },
  ) {
    super(`${message}\n${pointAt(expression, position)}`);
    this.name = 'CalculatorError';
    this.position = position;
    this.expected = expected;
  }
}

/** The expression with a caret under `position`, clipped around it so long input stays short. */
function pointAt(expression: string, position: number): string {
  const window = 60;
  const start = Math.max(0, position - window / 2);
  const line = expression.slice(start, start + window).replace(/\s/g, ' ');
  const prefix = start > 0 ? '…' : '';
  return `  ${prefix}${line}\n  ${' '.repeat(prefix.length + position - start)}^`;
}
