import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createOpenAITestServer, replies, scriptedReplyHandler } from '@agentchart/openai/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { researchAnswer } from '../src/demo-model';

/** Answers the first request as the demo model does (a search), then refuses the key. */
const answered = scriptedReplyHandler(researchAnswer);
const server = createOpenAITestServer({
  handler: (request) => (server.requests.length <= 1 ? answered(request) : replies.invalidApiKey()),
});
let baseURL: string;
beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

/** Runs the example's script (`./run example:research-agent`) against the server. */
function runMain(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@agentchart/source', '--import', tsx, main],
      { env: { ...process.env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseURL } },
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

describe('the research script when the model stops answering', () => {
  it('says why the research failed, counts the calls it made, and exits non-zero', async () => {
    const { code, stdout, stderr } = await runMain();
    expect(code).toBe(1);
    // The error's message, not only its code.
    expect(stderr).toMatch(/research failed: model\.\S+ — .*API key/);
    // The ledger planned two calls; the summary counts the one answered and its searches.
    const ledgerLines = stdout.split('\n').filter((line) => /^ {2}research#/.test(line));
    expect(ledgerLines).toHaveLength(2);
    const [, tools, calls] = /(\d+) tool calls, (\d+) model calls answered/.exec(stdout) ?? [];
    expect(Number(tools)).toBeGreaterThan(0);
    expect(Number(calls)).toBe(1);
  }, 60_000);
});
