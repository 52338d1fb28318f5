import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { boundedFetch } from './bounded-fetch';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A notification stream (GET) that writes `events`, then stays open. */
async function streamOf(events: string[]): Promise<string> {
  server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of events) response.write(event);
    request.on('close', () => response.destroy());
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

/** Reads `bytes` of the body, or until it fails. */
async function readSome(body: ReadableStream<Uint8Array>, bytes: number): Promise<number> {
  const reader = body.getReader();
  let read = 0;
  try {
    while (read < bytes) {
      const { value, done } = await reader.read();
      if (done) break;
      read += value.byteLength;
    }
    return read;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

describe('boundedFetch on the notification stream', () => {
  it('fails an event that runs past the bound, which was buffered without end', async () => {
    // Before: a server that opened an event and never ended it grew this process ~100 MB/s.
    const url = await streamOf(['event: message\ndata: ', 'x'.repeat(3_000_000)]);
    const response = await boundedFetch(1_000_000)(url, { method: 'GET' });
    await expect(readSome(response.body!, 3_000_000)).rejects.toThrow(
      "an event on the MCP server's notification stream ran past 1000000 bytes",
    );
  });

  it('reads any number of events that each fit', async () => {
    const event = `event: message\ndata: ${'y'.repeat(400_000)}\n\n`;
    const url = await streamOf([event, event, event, event, event]);
    const response = await boundedFetch(1_000_000)(url, { method: 'GET' });
    expect(await readSome(response.body!, event.length * 5)).toBe(event.length * 5);
  });

  it('reads events whose lines end with CR alone, or CR LF, as the SSE format allows', async () => {
    // A review found CR-only line endings never ended an event: the stream failed once its
    // total passed the bound.
    const cr = `event: message\rdata: ${'y'.repeat(400_000)}\r\r`;
    const crlf = `event: message\r\ndata: ${'z'.repeat(400_000)}\r\n\r\n`;
    const url = await streamOf([cr, cr, cr, crlf, cr]);
    const response = await boundedFetch(1_000_000)(url, { method: 'GET' });
    const total = cr.length * 4 + crlf.length;
    expect(await readSome(response.body!, total)).toBe(total);
  });
});
