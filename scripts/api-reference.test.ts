import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The API reference (`./run docs:api` writes it to docs/api) is generated from TSDoc; this
 * builds it without writing and fails on any exported name of any package entry that has no
 * documentation, or any other TypeDoc warning (typedoc.json treats warnings as errors).
 */
describe('the API reference', () => {
  it('builds from TSDoc with every export documented', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'node_modules/typedoc/bin/typedoc'), '--emit', 'none'],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout: string; stderr: string }) => error);
    expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
  }, 120_000);
});
