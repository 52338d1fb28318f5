/**
 * How long a server's schema takes to check: a pattern with JavaScript's RegExp and with the
 * linear-time engine the package uses, ajv-formats' `url` format, and zod's round trip of a
 * schema whose definitions each refer twice to the next, against the contract the package
 * builds for it:
 *   node --conditions=@agentchart/source --import tsx \
 *     packages/adapters/mcp/scripts/measure-schema-checks.ts
 * Prints one line per measurement (milliseconds, one run each after a warm-up).
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { z } from 'zod';
import { compileLinearPattern } from '../src/compile-linear-pattern';
import { createLinearAjv } from '../src/create-linear-ajv';
import { inputContractOf } from '../src/input-contract';

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

const doubling = (levels: number) => {
  const $defs: Record<string, unknown> = { [`d${levels}`]: { type: 'string' } };
  for (let level = 0; level < levels; level++) {
    const next = { $ref: `#/$defs/d${level + 1}` };
    $defs[`d${level}`] = { type: 'object', properties: { x: next, y: next } };
  }
  return { type: 'object', properties: { root: { $ref: '#/$defs/d0' } }, $defs };
};
for (const levels of [14, 16, 18]) {
  const schema = doubling(levels);
  const size = JSON.stringify(schema).length;
  const roundTrip = () =>
    z.toJSONSchema(z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema), { io: 'input' });
  console.log(`${levels} doubling definitions (${size} bytes): zod round trip ${timed(roundTrip)}`);
}
const options = { owner: 'measure', ajv: createLinearAjv() };
for (const levels of [18, 30]) {
  const schema = doubling(levels);
  console.log(
    `${levels} doubling definitions: inputContractOf ${timed(() => inputContractOf(schema, options))}`,
  );
}
