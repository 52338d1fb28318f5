import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

const agentModule = fileURLToPath(new URL('./__fixtures__/refund-agent.ts', import.meta.url));

/** Stands for the process: who listens for SIGTERM, and what became of the one sent. */
const signals = {
  listeners: new Set<(signal: 'SIGINT' | 'SIGTERM') => void>(),
  /** Whether the SIGTERM sent while the worker started found a listener (else it killed the process). */
  heardDuringStart: undefined as boolean | undefined,
  closed: 0,
};

// A worker whose start-up takes a SIGTERM (a rollout, systemd stopping it) half-way.
vi.mock('@agentchart/postgres', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@agentchart/postgres')>()),
  createPostgresWorker: async () => {
    signals.heardDuringStart = signals.listeners.size > 0;
    for (const listener of [...signals.listeners]) listener('SIGTERM');
    return {
      agents: new Map([['refunds', {}]]),
      close: async () => {
        signals.closed++;
      },
    };
  },
}));

describe('agentchart worker on PostgreSQL stopped while it starts (issue: SIGTERM during start-up)', () => {
  it('hears the SIGTERM, finishes starting, then stops as it would later: handing back, exit 0', async () => {
    const { context, stderr } = memoryContext();
    context.onInterrupt = (listener) => {
      // Unheard, the SIGTERM killed the process: stand for that by stopping at once, so the
      // assertions below say what went wrong instead of the test hanging.
      if (signals.heardDuringStart === false) queueMicrotask(() => listener('SIGTERM'));
      signals.listeners.add(listener);
      return () => signals.listeners.delete(listener);
    };
    const exitCode = await runCli(
      ['worker', '--agent', agentModule, '--db', 'postgres://app@127.0.0.1:1/app'],
      context,
    );
    expect(signals.heardDuringStart).toBe(true);
    expect(exitCode).toBe(0);
    expect(signals.closed).toBe(1);
    expect(stderr()).toContain('agentchart worker: stopping');
    expect(signals.listeners.size).toBe(0);
  });
});
