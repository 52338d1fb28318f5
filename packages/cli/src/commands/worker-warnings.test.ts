import { fileURLToPath } from 'node:url';
import type { PostgresWorkerOptions } from '@agentchart/postgres';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

const agentModule = fileURLToPath(new URL('./__fixtures__/refund-agent.ts', import.meta.url));
const database = 'postgres://app:secret@127.0.0.1:1/app';

/** What pg-boss reports at each poll while the database is down: one per polling worker. */
function refusedPoll(queue: string, worker: number): Error {
  const id = `00000000-0000-4000-8000-${String(worker).padStart(12, '0')}`;
  return Object.assign(
    new Error(`connect ECONNREFUSED 127.0.0.1:1 (Queue: ${queue}, Worker: ${id})`),
    { code: 'ECONNREFUSED' },
  );
}

// The worker the command starts, with the failures of an outage fed to its onError instead
// of a real database going down.
vi.mock('@agentchart/postgres', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@agentchart/postgres')>()),
  createPostgresWorker: async ({ onError }: PostgresWorkerOptions) => {
    // Half a minute of an outage: 20 polling workers on two queues, twice a second each.
    for (let poll = 0; poll < 60; poll++) {
      for (let worker = 0; worker < 20; worker++) {
        onError?.(refusedPoll(worker % 2 ? 'agentchart.refunds' : 'agentchart.pay', worker));
      }
    }
    return { agents: new Map([['refunds', {}]]), close: async () => undefined };
  },
}));

describe('agentchart worker on PostgreSQL during an outage (issue: warnings not held back)', () => {
  it('prints one typed warning for many failures alike, whichever queue and polling worker they name', async () => {
    const { context, stderr } = memoryContext();
    context.onInterrupt = (listener) => {
      // Stops the worker as soon as it is running, as Ctrl-C would.
      queueMicrotask(() => listener('SIGINT'));
      return () => undefined;
    };
    const exitCode = await runCli(['worker', '--agent', agentModule, '--db', database], context);
    expect(exitCode).toBe(0);
    const warnings = stderr()
      .split('\n')
      .filter((line) => line.includes('ECONNREFUSED'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'agentchart worker: PostgreSQL at postgres://app@127.0.0.1:1/app failed while working the job queue',
    );
    expect(warnings[0]).toContain('Check that the server is running');
    expect(stderr()).not.toContain('secret');
  });
});
