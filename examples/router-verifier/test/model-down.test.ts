import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createOpenAITestServer, replies } from '@agentchart/openai/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCosts } from '../src/compare-costs';
import { compoundModels } from '../src/models';

/** An endpoint that refuses every request: the key is wrong, so nothing is answered. */
const refusing = createOpenAITestServer({ handler: () => replies.invalidApiKey() });
let url: string;
beforeAll(async () => {
  url = await refusing.start();
});
afterAll(() => refusing.close());

const env = { OPENAI_API_KEY: 'sk-test' };
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

/** Runs the example's script (`./run example:router-verifier`) against `baseURL`. */
function runMain(
  baseURL: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@agentchart/source', '--import', tsx, main],
      {
        env: { ...process.env, ...env, OPENAI_BASE_URL: baseURL },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a comparison whose models do not answer', () => {
  it('says which runs did not finish and why, and counts them', async () => {
    const models = await compoundModels({ ...env, OPENAI_BASE_URL: url });
    const comparison = await compareCosts({ questions: ['What is 18% of 250?'], models });
    expect(comparison.unfinished).toBe(1);
    const [row] = comparison.rows;
    expect(row?.compound.unfinished).toMatch(/^failed: /);
    expect(row?.strongOnly.unfinished).toMatch(/^failed: /);
    expect(row?.compound.unfinished).toMatch(/API key/i);
  });

  it('prints no savings figure and exits non-zero', async () => {
    const { code, stdout, stderr } = await runMain(url);
    expect(code).toBe(1);
    expect(stdout).not.toMatch(/saved/);
    expect(stderr).toMatch(/10 of 10 questions were not answered by both/);
    expect(stderr).toMatch(/no savings figure/);
    expect(stdout).toMatch(/compound failed: /);
  }, 60_000);
});
