import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkOptionNames } from '@agentchart/core/internal';
import { WebSocket, WebSocketServer } from 'ws';

/** Options of {@link startInspectorRelay}. */
export interface InspectorRelayOptions {
  /** Interface to listen on. Default `127.0.0.1`: run data (prompts, context) stays on this machine. */
  host?: string;
  /** Port for the WebSocket and the page; 0 picks a free one. Default 8080. */
  port?: number;
  /** Messages kept for a page that connects later. Default 1000. */
  bufferSize?: number;
  /** The inspector UI the page embeds. Default Stately's hosted inspector. */
  inspectorUrl?: string;
}

/** A running relay. */
export interface InspectorRelay {
  /** Where agents send: `ws://host:port`. */
  readonly url: string;
  /** The page to open in a browser: it embeds the inspector UI and feeds it the stream. */
  readonly pageUrl: string;
  close(): Promise<void>;
}

const relayOptionNames = Object.keys({
  host: true,
  port: true,
  bufferSize: true,
  inspectorUrl: true,
} satisfies Record<keyof InspectorRelayOptions, true>);

/**
 * A local relay for the XState inspector protocol, like `@statelyai/inspect/server`, but
 * listening on loopback only by default and opening no browser: every message one client
 * sends goes to every other client (the page), and the last `bufferSize` to each newcomer.
 */
export async function startInspectorRelay(
  options: InspectorRelayOptions = {},
): Promise<InspectorRelay> {
  checkOptionNames('startInspectorRelay', options, relayOptionNames);
  const {
    host = '127.0.0.1',
    port = 8080,
    bufferSize = 1000,
    inspectorUrl = 'https://stately.ai/inspect',
  } = options;
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(bridgePage(inspectorUrl));
  });
  const sockets = new WebSocketServer({ server: http });
  const buffer: string[] = [];
  sockets.on('connection', (socket) => {
    for (const message of buffer) socket.send(message);
    socket.on('message', (data) => {
      const message = data.toString();
      buffer.push(message);
      if (buffer.length > bufferSize) buffer.shift();
      for (const client of sockets.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const authority = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url: `ws://${authority}`,
    pageUrl: `http://${authority}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close(() => http.close(() => resolve()));
      }),
  };
}

/** The page: the inspector UI in a frame, fed every message the relay passes on. */
function bridgePage(inspectorUrl: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>agentchart · XState inspector</title>
<style>html,body,iframe{margin:0;width:100%;height:100%;border:0}</style>
<iframe id="inspector" src="${inspectorUrl}"></iframe>
<script>
  const frame = document.getElementById('inspector');
  const waiting = [];
  let ready = false;
  addEventListener('message', (event) => {
    if (event.data?.type !== '@statelyai.connected') return;
    ready = true;
    for (const message of waiting.splice(0)) frame.contentWindow.postMessage(message, '*');
  });
  const socket = new WebSocket('ws://' + location.host);
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (ready) frame.contentWindow.postMessage(message, '*');
    else waiting.push(message);
  };
</script>`;
}
