import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isAllowedRelayClient } from './relay-client-guard';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('isAllowedRelayClient on all addresses (0.0.0.0)', () => {
  const options = { authority: '0.0.0.0:8787', loopback: false, allowedOrigins: [] };

  it('refuses a rebound page, which names itself in both Host and Origin', () => {
    // Before: the Origin was compared with the request's own Host, so a page on a name
    // rebound to this machine was let in and read every run the relay passed on.
    const rebound = { host: 'evil.example:8787', origin: 'http://evil.example:8787' };
    expect(isAllowedRelayClient(request(rebound), options)).toBe(false);
  });

  it("lets in the relay's own page by a loopback name, a trusted origin and a non-browser client", () => {
    const own = { host: '127.0.0.1:8787', origin: 'http://127.0.0.1:8787' };
    expect(isAllowedRelayClient(request(own), options)).toBe(true);
    expect(isAllowedRelayClient(request({ host: 'box:8787' }), options)).toBe(true);
    const trusted = { host: 'box:8787', origin: 'http://localhost:5173' };
    expect(
      isAllowedRelayClient(request(trusted), {
        ...options,
        allowedOrigins: ['http://localhost:5173'],
      }),
    ).toBe(true);
  });

  it('lets in its own page on port 80, whose origin has no port', () => {
    const onPort80 = { authority: '0.0.0.0:80', loopback: false, allowedOrigins: [] };
    const own = { host: '127.0.0.1', origin: 'http://127.0.0.1' };
    expect(isAllowedRelayClient(request(own), onPort80)).toBe(true);
  });
});
