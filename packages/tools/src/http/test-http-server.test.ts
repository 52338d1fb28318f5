import { describe, expect, it } from 'vitest';
import { guardLoopbackOnly, isLoopbackHost, startTestHttpServer } from './test-http-server';

describe('guardLoopbackOnly', () => {
  it('knows loopback from every other address', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of [
      'localhost',
      '10.0.0.1',
      '169.254.169.254',
      '::',
      '0.0.0.0',
      'fe80::1',
      '128.0.0.1',
    ]) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });

  it('sees the connections Node makes and lets loopback ones through', async () => {
    const server = await startTestHttpServer();
    const guard = guardLoopbackOnly();
    try {
      const response = await fetch(`${server.origin}/`);
      expect(await response.text()).toBe('ok');
      expect(guard.connections).toEqual(['127.0.0.1']);
    } finally {
      guard.restore();
      await server.close();
    }
  });
});
