import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpTool } from './http-tool';
import { guardLoopbackOnly, type LoopbackGuard } from './test-http-server';

// The system resolver (`dns.lookup`) runs in libuv's thread pool and cannot be stopped: an
// authoritative server that never answers holds it for the resolver's own timeouts. Here it
// never answers at all.
const lookup = vi.hoisted(() => vi.fn(() => new Promise<never>(() => {})));
vi.mock('node:dns/promises', () => ({ lookup }));

const context = { signal: new AbortController().signal, idempotencyKey: 'key', threadId: 'thread' };

describe('httpTool', () => {
  let guard: LoopbackGuard | undefined;
  afterEach(() => guard?.restore());

  it('keeps its own deadline while the system resolver does not answer: the call waited for the lookup, past timeoutMs', async () => {
    guard = guardLoopbackOnly();
    const tool = httpTool({ allowedHosts: ['stalls.example.com'], timeoutMs: 300 });
    const started = Date.now();
    const settled = await Promise.race([
      tool.execute({ url: 'https://stalls.example.com/' }, context).then(
        () => 'answered',
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still running after 2 s'), 2_000)),
    ]);
    expect(lookup).toHaveBeenCalledWith('stalls.example.com', expect.anything());
    expect(settled).toMatchObject({
      name: 'RunError',
      code: 'tool.timeout',
      details: { tool: 'http_request', timeoutMs: 300 },
    });
    expect(Date.now() - started).toBeLessThan(1_500);
    // Nothing connected, then or later.
    expect(guard.connections).toEqual([]);
  });
});
