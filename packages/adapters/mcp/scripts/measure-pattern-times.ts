/**
 * How long a server's pattern takes to check, with JavaScript's RegExp and with the
 * linear-time engine the package uses, and how long ajv-formats' `url` format takes:
 *   node --conditions=@agentchart/source --import tsx \
 *     packages/adapters/mcp/scripts/measure-pattern-times.ts
 * Prints one line per measurement (milliseconds, one run each after a warm-up).
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { compileLinearPattern } from '../src/compile-linear-pattern';

const evil = '^(a+)+$';
const timed = (check: () => unknown): string => {
  const start = performance.now();
  check();
  return `${(performance.now() - start).toFixed(1)} ms`;
};

const backtracking = new RegExp(evil);
const linear = compileLinearPattern(evil);
backtracking.test('a!');
linear.test('a!');
for (const length of [22, 24, 26, 28]) {
  const text = `${'a'.repeat(length)}!`;
  console.log(
    `${evil} on ${length + 1} characters: RegExp ${timed(() => backtracking.test(text))}`,
  );
}
for (const length of [28, 1_000, 100_000]) {
  const text = `${'a'.repeat(length)}!`;
  console.log(`${evil} on ${length + 1} characters: linear ${timed(() => linear.test(text))}`);
}

const url = fullFormats.url as RegExp;
for (const length of [4_000, 8_192, 16_000, 64_000]) {
  const text = `http://${'aa:'.repeat(Math.floor((length - 8) / 3))}!`;
  url.test(text);
  console.log(`ajv-formats url on ${text.length} characters: ${timed(() => url.test(text))}`);
}
