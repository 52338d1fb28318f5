import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import type { InspectionMessage } from './types';
import { webSocketSink } from './websocket-sink';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('webSocketSink', () => {
  it('keeps at most its queue, not every message, for a relay that stopped reading (issue 12)', async () => {
    const relay = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise((resolve) => relay.close(resolve)));
    await new Promise((resolve) => relay.once('listening', resolve));
    const received: number[] = [];
    let resumeReading = () => {};
    const connected = new Promise<void>((resolve) => {
      relay.on('connection', (client, request) => {
        cleanups.push(() => client.terminate());
        // The relay stops reading (its process is busy, or it is stuck).
        request.socket.pause();
        resumeReading = () => request.socket.resume();
        client.on('message', (data) => received.push(JSON.parse(String(data)).index));
        resolve();
      });
    });
    const { port } = relay.address() as AddressInfo;
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const sink = webSocketSink({
      url: `ws://127.0.0.1:${port}`,
      maxUnsentBytes: 64 * 1024,
      maxBuffered: 10,
    });
    await connected;
    await new Promise((resolve) => setTimeout(resolve, 20));

    const blob = 'x'.repeat(100_000);
    const sent = 300;
    for (let index = 0; index < sent; index++) {
      sink.send({ type: '@xstate.event', index, blob } as unknown as InspectionMessage);
      if (index % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    resumeReading();
    await sink.close?.();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(received.length).toBeLessThan(sent / 2);
    // What it kept is the newest, in order.
    expect(received.at(-1)).toBe(sent - 1);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    // Said once, not once per message dropped.
    expect(warned).toHaveBeenCalledTimes(1);
    expect(warned).toHaveBeenCalledWith(expect.stringContaining('The inspector dropped messages'), {
      code: 'AGENTCHART_INSPECT_DROPPED',
    });
  });
});
