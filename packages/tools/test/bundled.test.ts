/**
 * The package bundled into a user's application with esbuild, as a CommonJS file (what many
 * serverless deploys build) and as an ES module. Importing it must not fail, the tools that
 * run in-process must work, and the two that start a module of their own (JSON query, SQL
 * query), whose files a bundle leaves behind, must fail their call saying so, not with a
 * module-not-found from deep inside a worker.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const packageIndex = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'agentchart-tools-bundled-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// No top-level await: the same source is bundled as CommonJS.
const app = `
import { calculatorTool, jsonQueryTool, sqlQueryTool } from ${JSON.stringify(packageIndex)};
const context = { signal: new AbortController().signal, idempotencyKey: 'k', threadId: 't' };
const settle = (promise) =>
  promise.then(
    (output) => ({ output }),
    (error) => ({ code: error.code, message: error.message }),
  );
Promise.all([
  settle(calculatorTool().execute({ expression: '6 * 7' }, context)),
  settle(jsonQueryTool().execute({ query: 'a', document: '{"a":1}' }, context)),
  settle(sqlQueryTool({ path: 'shop.db' }).execute({ sql: 'select 1' }, context)),
]).then(([calculator, json, sql]) => console.log(JSON.stringify({ calculator, json, sql })));
`;

/** Bundles the app in `format` and runs it with node; resolves with what it printed. */
async function runBundled(format: 'cjs' | 'esm'): Promise<Record<string, Record<string, unknown>>> {
  const outfile = join(scratch, format === 'cjs' ? 'app.cjs' : 'app.mjs');
  await build({
    stdin: { contents: app, resolveDir: scratch, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format,
    target: 'node22',
    conditions: ['@agentchart/source'],
    outfile,
    logLevel: 'silent',
  });
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [outfile], { cwd: scratch, timeout: 30_000 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
    );
  });
  return JSON.parse(stdout) as Record<string, Record<string, unknown>>;
}

describe('@agentchart/tools bundled into an application', () => {
  it.for(['cjs', 'esm'] as const)(
    'loads as %s, runs in-process tools, and says a query tool needs the package left external',
    async (format) => {
      const { calculator, json, sql } = await runBundled(format);
      expect(calculator).toEqual({ output: { result: 42 } });
      expect(json).toMatchObject({
        code: 'json_query.failed',
        message: expect.stringContaining('external'),
      });
      expect(sql).toMatchObject({
        code: 'sql.failed',
        message: expect.stringContaining('external'),
      });
    },
  );
});
