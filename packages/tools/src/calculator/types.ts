/** A token of an arithmetic expression; `position` is its 0-based start. */
export type Token =
  | { type: 'number'; value: number; text: string; position: number }
  | { type: 'name'; text: string; position: number }
  | { type: 'operator'; text: '+' | '-' | '*' | '/' | '%' | '^'; position: number }
  | { type: 'punctuation'; text: '(' | ')' | ','; position: number }
  | { type: 'end'; text: ''; position: number };

/** A left-associative binary operator of the calculator's grammar. */
export type BinaryOperator = '+' | '-' | '*' | '/' | '%';

/** A node of a parsed expression. */
export type ExpressionNode =
  | { type: 'number'; value: number; position: number }
  | { type: 'constant'; name: string; position: number }
  | { type: 'negate'; operand: ExpressionNode; position: number }
  /** A left-associative run of same-precedence operators (`a - b + c`), kept flat so a
   * long sum does not become a deep tree. */
  | {
      type: 'chain';
      first: ExpressionNode;
      rest: { operator: BinaryOperator; operand: ExpressionNode; position: number }[];
      position: number;
    }
  | { type: 'power'; base: ExpressionNode; exponent: ExpressionNode; position: number }
  | { type: 'call'; name: string; args: ExpressionNode[]; position: number };

/** Limits on what the calculator accepts. */
export interface ExpressionLimits {
  /** Longest expression accepted, in characters. Default 1,000. */
  maxLength?: number | undefined;
  /** Deepest nesting of parentheses, calls, unary signs and powers. Default 50. */
  maxDepth?: number | undefined;
}
