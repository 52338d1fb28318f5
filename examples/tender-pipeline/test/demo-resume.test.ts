import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOpenAITestServer, replies } from '@agentchart/openai/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from './demo-server';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const demoEntry = join(here, '../src/main.ts');

/** What one demo process did: its exit, its output, and the requests the server answered. */
interface DemoProcess {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

const server = createOpenAITestServer();
let baseURL: string;
/** Bodies of the requests the server answered (paid calls), in order, across processes. */
let answered: string[] = [];
/** Called for each request before it is answered; may kill the demo instead. */
let beforeAnswer: (number: number) => 'answer' | 'kill' = () => 'answer';
let current: ChildProcess | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  server.setHandler((request) => {
    const decision = beforeAnswer(answered.length + 1);
    if (decision === 'kill') {
      current?.kill('SIGKILL');
      return replies.stall();
    }
    answered.push(request.rawBody);
    return demoReply(request.body!);
  });
  baseURL = await server.start();
});
afterAll(async () => {
  current?.kill('SIGKILL');
  await server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentchart-demo-'));
  dirs.push(dir);
  return join(dir, 'runs.db');
}

/** Runs `./run demo` (its entry, in a child Node) against the local server and `database`. */
function runDemo(database: string): Promise<DemoProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@agentchart/source', '--import', 'tsx', demoEntry],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          OPENAI_API_KEY: 'test-key',
          OPENAI_BASE_URL: baseURL,
          AGENTCHART_DB: database,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal === null) {
        reject(new Error(`the demo exited ${code}: ${stderr}`));
        return;
      }
      resolvePromise({ code, signal, stdout });
    });
  });
}

/** The outcome column of the demo's final table, by tender. */
function outcomes(stdout: string): Record<string, string> {
  const rows = [
    ...stdout.matchAll(/^(T-\d+)\s+.+?\s{2,}(bid_ready|filtered_out|rated_low|failed)\s/gm),
  ];
  return Object.fromEntries(rows.map((row) => [row[1], row[2]]));
}

function duplicates(bodies: readonly string[]): number {
  return bodies.length - new Set(bodies).size;
}

describe('the demo killed mid-batch and started again (issue 15)', () => {
  it('continues the same batch and pays for no model call twice', async () => {
    // Reference: one uninterrupted batch through the real OpenAI client.
    answered = [];
    beforeAnswer = () => 'answer';
    const reference = await runDemo(newDatabase());
    const paidOnce = answered.length;
    expect(reference.code).toBe(0);
    expect(duplicates(answered)).toBe(0);
    expect(Object.keys(outcomes(reference.stdout))).toHaveLength(10);

    // The same batch, killed with SIGKILL when it sends its 13th request (12 answered,
    // mid-batch), then started again on the same database.
    answered = [];
    const database = newDatabase();
    beforeAnswer = (number) => (number === 13 ? 'kill' : 'answer');
    const killed = await runDemo(database);
    expect(killed.signal).toBe('SIGKILL');
    expect(answered).toHaveLength(12);
    beforeAnswer = () => 'answer';
    const again = await runDemo(database);
    expect(again.code).toBe(0);
    const batchId = /^continuing batch (\S+):/m.exec(again.stdout)?.[1];
    expect(batchId).toBe(/threads (\S+):T-101/.exec(again.stdout)?.[1]);
    expect(again.stdout).toContain('(finished before the restart: read from checkpoint');
    expect(again.stdout).toContain('(resuming from checkpoint');

    // No answered request was sent twice, the batch paid what the uninterrupted one paid,
    // and it came to the same outcomes.
    expect(duplicates(answered)).toBe(0);
    expect(answered).toHaveLength(paidOnce);
    expect(outcomes(again.stdout)).toEqual(outcomes(reference.stdout));
  }, 120_000);
});
