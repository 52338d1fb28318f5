import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '@agentchart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';
import { control } from './__fixtures__/refund-agent';

const agentModule = fileURLToPath(new URL('./__fixtures__/refund-agent.ts', import.meta.url));

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-stop-'));
  env = { AGENTCHART_DB: join(dir, 'runs.db'), AGENTCHART_AGENT: agentModule };
  control.latencyMs = 0;
  control.toolLatencyMs = 0;
  control.clockAheadMs = 0;
  control.paid.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = memoryContext({ cwd: dir, env });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

async function storedStatus(threadId: string) {
  const store = new SqliteCheckpointer({ path: env.AGENTCHART_DB! });
  try {
    return (await store.latest(threadId))?.run.status;
  } finally {
    store.close();
  }
}

/** A refund of 900 waits for a person's approval. */
const waitingRefund = (threadId: string) =>
  cli(['run', agentModule, '--input', '{"ticket":"t","amount":900}', '--thread', threadId]);

describe('agentchart stop', () => {
  it('stores a waiting thread stopped, which then takes no reply, and is no error a second time', async () => {
    expect((await waitingRefund('w')).exitCode).toBe(3);
    // Before: "Unknown command stop"; stopping a thread took code.
    const stopped = await cli(['stop', 'w']);
    expect(stopped.exitCode).toBe(0);
    expect(stopped.stdout).toMatch(/^stopped {2}thread w: /);
    expect(stopped.stdout).toContain('stored stopped: it takes no more replies or events');
    expect(await storedStatus('w')).toBe('stopped');

    const reply = await cli(['send', 'w', '--reply', '{"approved":true}']);
    expect(reply.exitCode).toBe(2);
    expect(reply.stderr).toContain('already ended (stopped)');
    expect(control.paid).toEqual([]);

    const again = await cli(['stop', 'w', '--json']);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ threadId: 'w', status: 'stopped' });
    expect(again.stderr).toContain('stopped already; nothing was done');
  });

  it('refuses a thread that ended otherwise, and one it does not have, as usage errors', async () => {
    await cli(['run', agentModule, '--input', '{"ticket":"t","amount":20}', '--thread', 'd']);
    const ended = await cli(['stop', 'd']);
    expect(ended.exitCode).toBe(2);
    expect(ended.stderr).toContain('Thread "d" already ended (done); there is nothing to stop');
    expect(await storedStatus('d')).toBe('done');
    const missing = await cli(['stop', 'nope']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('No thread "nope"');
  });

  it('refuses a thread another live process holds, saying how to stop it there, with --force last', async () => {
    expect((await waitingRefund('h')).exitCode).toBe(3);
    const store = new SqliteCheckpointer({ path: env.AGENTCHART_DB! });
    await store.acquireLease('h', { owner: 'live-send', ttlMs: 60_000, now: Date.now() });
    store.close();
    const refused = await cli(['stop', 'h']);
    expect(refused.exitCode).toBe(5);
    expect(refused.stderr).toContain('Nothing was done here');
    expect(refused.stderr).toContain('stop that process');
    expect(refused.stderr.trim()).toMatch(/agentchart resume h --force$/);
    expect(await storedStatus('h')).toBe('waiting');
  });
});
