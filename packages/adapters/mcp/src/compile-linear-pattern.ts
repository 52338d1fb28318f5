import { RE2JS } from 're2js';

/** A compiled pattern: what Ajv calls on it. */
export interface LinearPattern {
  /** True when the pattern matches somewhere in `text` (JSON Schema patterns are not anchored). */
  test(text: string): boolean;
  /** Differs per pattern: Ajv keys its cache of compiled patterns by it. */
  toString(): string;
}

/**
 * A `pattern` from a server's schema that the linear-time engine cannot run: a lookaround, a
 * backreference, or a pattern that is not a regular expression at all. `reason` says which.
 */
export class UnsupportedPatternError extends Error {
  readonly pattern: string;
  readonly reason: string;

  constructor(pattern: string, reason: string, options?: ErrorOptions) {
    super(`pattern ${JSON.stringify(pattern)} ${reason}`, options);
    this.pattern = pattern;
    this.reason = reason;
  }
}

/**
 * Compiles a JSON Schema `pattern` (ECMA-262 syntax, not anchored) for RE2's automaton, whose
 * time is linear in the input: JavaScript's backtracking engine takes exponential time on
 * patterns like `^(a+)+$`, so a server's schema and a model's argument could freeze the process.
 * Throws {@link UnsupportedPatternError} for what RE2 cannot express.
 */
export function compileLinearPattern(pattern: string): LinearPattern {
  let translated: RE2JS;
  try {
    translated = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (cause) {
    throw new UnsupportedPatternError(pattern, reasonOf(pattern), { cause });
  }
  return {
    test: (text: string) => translated.test(text),
    toString: () => `re2:${pattern}`,
  };
}

/** Why RE2 refused a pattern, in words for the developer who has to decide about the tool. */
function reasonOf(pattern: string): string {
  try {
    // Compiling is cheap and safe; only matching backtracks. It tells a JavaScript feature
    // RE2 lacks apart from a pattern that is wrong in any engine.
    new RegExp(pattern);
  } catch {
    return 'is not a valid regular expression';
  }
  return (
    'uses a feature that cannot be matched in linear time (a lookahead, lookbehind or ' +
    'backreference), so a crafted argument could block the process while it is checked'
  );
}

/**
 * {@link compileLinearPattern} as Ajv's `code.regExp` engine, for `pattern`,
 * `patternProperties` and `propertyNames` in the schemas Ajv compiles.
 */
export const linearRegExp: ((pattern: string) => LinearPattern) & { code: string } = Object.assign(
  (pattern: string) => compileLinearPattern(pattern),
  { code: 'linearRegExp' },
);
