import { createServer } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import { checkOptionNames } from '@agentchart/core/internal';
import { WebSocket, WebSocketServer } from 'ws';
import {
  checkCount,
  checkHost,
  checkHttpUrl,
  checkOrigins,
  checkPort,
} from './check-inspect-options';
import { type BacklogMessage, InspectionBacklog } from './inspection-backlog';
import { isAllowedRelayClient } from './relay-client-guard';

/** Options of {@link startInspectorRelay}. */
export interface InspectorRelayOptions {
  /** Interface to listen on. Default `127.0.0.1`: run data (prompts, context) stays on this machine. */
  host?: string | undefined;
  /** Port for the WebSocket and the page; 0 picks a free one. Default 8080. */
  port?: number | undefined;
  /**
   * Messages kept for a page that connects later: the last this many, and, besides them, the
   * registration (`@xstate.actor`) of every actor still running (and of an ended one while a
   * message of it is kept), each sent before that actor's messages — at most this many
   * registrations and no fewer than 1,000, the oldest going first. The inspector shows
   * nothing of an actor it was never told of, so a burst of runs must not push their
   * registrations out. 0 keeps only registrations. Default 1000.
   */
  bufferSize?: number | undefined;
  /** The inspector UI the page embeds. Default Stately's hosted inspector. */
  inspectorUrl?: string | undefined;
  /**
   * Origins of other web pages allowed to connect, e.g. `['http://localhost:5173']` for a
   * browser app that streams its own actors here. Clients that are not web pages (an agent's
   * process) and the relay's own page are always let in; any other page is refused with 403,
   * since it could read every run the relay passes on. Default none.
   */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * Bytes a client may leave unread before the relay drops it: a page that stopped reading
   * (a frozen tab, a client that never reads) would otherwise make the relay hold every
   * later message in memory. The client can reconnect, and gets the last `bufferSize`
   * messages again, with the live actors' registrations. Default 16 MiB.
   */
  maxUnreadBytes?: number | undefined;
  /**
   * Clients connected at once (agents' processes and pages); more are refused with 503. Each
   * gets every message another sends, and the last `bufferSize` when it connects: a page
   * opening connections in a loop would otherwise hold the relay's sockets and memory
   * without bound. Default 64.
   */
  maxClients?: number | undefined;
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
  allowedOrigins: true,
  maxUnreadBytes: true,
  maxClients: true,
} satisfies Record<keyof InspectorRelayOptions, true>);

/**
 * A local relay for the XState inspector protocol, like `@statelyai/inspect/server`, but
 * listening on loopback only by default and opening no browser: every message one client
 * sends goes to every other client (the page), and the last `bufferSize`, with the
 * registrations of the actors still running, to each newcomer.
 * Other web pages than its own are refused (see `allowedOrigins`), and a client that stops
 * reading is dropped (see `maxUnreadBytes`).
 */
export async function startInspectorRelay(
  options: InspectorRelayOptions = {},
): Promise<InspectorRelay> {
  checkOptionNames('startInspectorRelay', options, relayOptionNames);
  checkRelayOptions(options);
  const {
    host = '127.0.0.1',
    port = 8080,
    bufferSize = 1000,
    inspectorUrl = 'https://stately.ai/inspect',
    allowedOrigins = [],
    maxUnreadBytes = 16 * 1024 * 1024,
    maxClients = 64,
  } = options;
  // As the URL parser writes it: quotes and angle brackets percent-encoded, so the given text
  // cannot close the page's attribute.
  const page = bridgePage(new URL(inspectorUrl).href);
  const http = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // A page that framed this one could navigate the inspector frame inside it to a page of
      // its own, which would then be handed every run: no other page may frame it.
      'content-security-policy': "frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    });
    response.end(page);
  });
  // Known once listening (port 0 picks one); no client can connect before.
  let authority = '';
  const loopback = isLoopback(host);
  // Counted from the handshake, not once it is done: handshakes under way count too.
  let clients = 0;
  const sockets = new WebSocketServer({
    server: http,
    verifyClient: ({ req }, done) => {
      if (isAllowedRelayClient(req, { authority, loopback, allowedOrigins })) {
        if (clients >= maxClients) {
          done(
            false,
            503,
            `The inspector relay takes at most ${maxClients} clients at once, and that many are connected. Close inspector pages or stop inspected processes, or pass a larger startInspectorRelay({ maxClients }).`,
          );
          return;
        }
        clients++;
        req.socket.once('close', () => clients--);
        done(true);
        return;
      }
      done(
        false,
        403,
        "The inspector relay lets in its own page, by a loopback name, and clients that are no web page; this request came from another page or addressed another host name, and could read every run. Open the relay's page itself, or pass the page's origin in startInspectorRelay({ allowedOrigins }).",
      );
    },
  });
  const backlog = new InspectionBacklog<string>(bufferSize);
  const relay = (client: WebSocket, message: string) => {
    if (client.readyState !== WebSocket.OPEN) return;
    // A client that stopped reading would have every later message held for it: let it go.
    if (client.bufferedAmount > maxUnreadBytes) {
      client.terminate();
      return;
    }
    client.send(message);
  };
  sockets.on('connection', (socket) => {
    for (const message of backlog.items()) relay(socket, message);
    socket.on('message', (data) => {
      const message = data.toString();
      backlog.push(readBacklogMessage(message), message);
      for (const client of sockets.clients) {
        if (client !== socket) relay(client, message);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  authority = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
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

/**
 * What the backlog needs of a line a client sent: its kind, its actor and that actor's status.
 * The relay passes on whatever it is given, so a line that is no inspector message (not JSON,
 * not an object, no text `sessionId`) is kept and sent as a plain message of no actor.
 */
function readBacklogMessage(line: string): BacklogMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const { type, sessionId, snapshot } = value as Record<string, unknown>;
  return {
    type: typeof type === 'string' ? type : undefined,
    sessionId: typeof sessionId === 'string' ? sessionId : undefined,
    snapshot,
  };
}

/** True for an address only this machine reaches; `localhost` counts. */
function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * The page: the inspector UI in a frame, fed every message the relay passes on. Only the
 * inspector frame may say it is ready, and messages go to the origin it said so from: a page
 * the frame is navigated to later (a link followed in it) gets nothing.
 */
function bridgePage(inspectorUrl: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>agentchart · XState inspector</title>
<style>html,body,iframe{margin:0;width:100%;height:100%;border:0}</style>
<iframe id="inspector" src="${inspectorUrl}"></iframe>
<script>
  const frame = document.getElementById('inspector');
  const waiting = [];
  let inspectorOrigin;
  addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow || event.data?.type !== '@statelyai.connected') return;
    inspectorOrigin ??= event.origin;
    for (const message of waiting.splice(0)) frame.contentWindow.postMessage(message, inspectorOrigin);
  });
  const socket = new WebSocket('ws://' + location.host);
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (inspectorOrigin) frame.contentWindow.postMessage(message, inspectorOrigin);
    else waiting.push(message);
  };
</script>`;
}

/**
 * Before, an empty host listened on every interface (run data reachable from the network),
 * an inspector URL was pasted into the page's HTML as given, NaN lifted every limit and 0
 * clients refused everyone.
 */
function checkRelayOptions(options: InspectorRelayOptions): void {
  const owner = 'startInspectorRelay';
  checkHost(owner, options.host);
  checkPort(owner, options.port);
  checkCount(
    owner,
    'bufferSize',
    options.bufferSize,
    0,
    'messages kept for a page that connects later',
  );
  checkCount(owner, 'maxClients', options.maxClients, 1, 'clients at once');
  checkCount(owner, 'maxUnreadBytes', options.maxUnreadBytes, 1, 'bytes a client may leave unread');
  checkHttpUrl(owner, 'inspectorUrl', options.inspectorUrl);
  checkOrigins(owner, 'allowedOrigins', options.allowedOrigins);
}
