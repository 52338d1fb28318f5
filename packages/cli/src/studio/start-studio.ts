import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentchartError } from '@agentchart/core';
import { childWaitId } from '@agentchart/core/internal';
import { WebSocketServer } from 'ws';
import { deliverReply, unboundApprovalReply } from '../commands/deliver-reply';
import type { AgentCatalog, ReplyAgent } from './agent-catalog';
import type { StudioAssets } from './bundle-studio';
import { json, readBody, runQuery } from './http-json';
import type { InspectorSessions } from './inspector-sessions';
import { contentSecurityPolicy, isLocalRequest } from './loopback-guard';
import type { RunSource } from './run-source';
import { studioIcon } from './studio-icon';
import type { StudioNotice } from './types';

/** Options of {@link startStudio}. */
export interface StartStudioOptions {
  source: RunSource;
  catalog: AgentCatalog;
  /** Agents that answer waits, by machine version. */
  agents?: ReadonlyMap<string, ReplyAgent>;
  inspector: InspectorSessions;
  assets: StudioAssets;
  /** Loopback only by default: run data (prompts, context, replies) stays on this machine. */
  host?: string;
  /** 0 picks a free port. Default 4400. */
  port?: number;
  /** How often the database is checked for runs that advanced, while a page listens. Default 1000 ms. */
  pollMs?: number;
  /**
   * Event streams served at once (one per open page); more are refused with 503. Every
   * client is this machine, so the bound is the studio's, not a client's. Default 64.
   */
  maxEventStreams?: number;
  /** Inspector WebSockets served at once; more are refused with 503. Default 64. */
  maxInspectorClients?: number;
}

/** Event streams and inspector WebSockets a studio serves at once, by default. */
export const defaultMaxStudioStreams = 64;

/** A running studio. */
export interface Studio {
  /** The page: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** Where XState inspectors send: `ws://127.0.0.1:<port>/`. */
  readonly inspectUrl: string;
  /** Stops serving, closes connections and the agents it was given. */
  close(): Promise<void>;
}

/**
 * Serves the studio: the page, a JSON API over a {@link RunSource}, a server-sent event stream
 * that says when runs advance, replies to waits through the agents given, and a WebSocket that
 * takes the XState inspector protocol. Only requests addressed to the loopback host it listens
 * on are served (a web page elsewhere cannot reach it through DNS rebinding), and the page's
 * Content-Security-Policy lets it load nothing from anywhere else.
 */
export async function startStudio({
  source,
  catalog,
  agents = new Map(),
  inspector,
  assets,
  host = '127.0.0.1',
  port = 4400,
  pollMs = 1000,
  maxEventStreams = defaultMaxStudioStreams,
  maxInspectorClients = defaultMaxStudioStreams,
}: StartStudioOptions): Promise<Studio> {
  const listeners = new Set<ServerResponse>();
  let lastToken: string | undefined;
  let polling = false;
  const running = new Set<Promise<unknown>>();

  const broadcast = (notice: StudioNotice) => {
    const line = `data: ${JSON.stringify(notice)}\n\n`;
    for (const listener of listeners) listener.write(line);
  };
  const poll = async () => {
    if (polling || listeners.size === 0) return;
    polling = true;
    try {
      const token = await source.changeToken();
      if (token !== lastToken) {
        lastToken = token;
        broadcast({ type: 'runs', token });
      }
    } catch {
      // The next poll tries again; a page keeps what it shows meanwhile.
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll(), pollMs);
  timer.unref();

  let inspected = new Set<string>();
  let inspectorFlush: ReturnType<typeof setTimeout> | undefined;
  const inspectorChanged = (actorId: string) => {
    inspected.add(actorId);
    inspectorFlush ??= setTimeout(() => {
      inspectorFlush = undefined;
      const actorIds = [...inspected];
      inspected = new Set();
      broadcast({ type: 'inspector', actorIds });
    }, 200);
  };

  const api = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    let parts: string[];
    try {
      parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
    } catch {
      // A stray "%" in a hand-typed address is the request's mistake, not the studio's.
      return json(response, 400, {
        error: `The path ${url.pathname} is not valid percent-encoding: encode thread ids with encodeURIComponent.`,
      });
    }
    if (parts[0] === 'runs' && parts.length === 1) {
      return json(response, 200, await source.listRuns(runQuery(url.searchParams)));
    }
    if (parts[0] === 'runs' && parts.length === 2) {
      const run = await source.getRun(parts[1]!);
      return run
        ? json(response, 200, run)
        : json(response, 404, { error: `No run "${parts[1]}".` });
    }
    if (parts[0] === 'runs' && parts.length === 3 && parts[2] === 'reply') {
      if (request.method !== 'POST') return json(response, 405, { error: 'POST a reply.' });
      return reply(parts[1]!, await readBody(request), response);
    }
    if (parts[0] === 'charts' && parts.length === 2) {
      const chart = catalog.chart(parts[1]!);
      return chart
        ? json(response, 200, await chart)
        : json(response, 404, { error: 'No module given to the studio has this machine.' });
    }
    if (parts[0] === 'inspector' && parts.length === 1)
      return json(response, 200, inspector.list());
    if (parts[0] === 'inspector' && parts.length === 2) {
      const actor = await inspector.get(parts[1]!);
      return actor ? json(response, 200, actor) : json(response, 404, { error: 'No such actor.' });
    }
    if (parts[0] === 'events') {
      // Each stream holds a connection and gets every notice: a page (or a script) opening
      // them in a loop would otherwise hold the studio's sockets and memory without bound.
      if (listeners.size >= maxEventStreams) {
        return json(response, 503, {
          error: `The studio serves at most ${maxEventStreams} event streams at once, one per open page, and that many are open. Close studio pages you no longer watch, then reload.`,
        });
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      response.write('retry: 1000\n\n');
      listeners.add(response);
      request.on('close', () => listeners.delete(response));
      lastToken = undefined;
      void poll();
      return;
    }
    json(response, 404, { error: `Unknown API path ${url.pathname}.` });
  };

  const reply = async (threadId: string, body: unknown, response: ServerResponse) => {
    const { value, waitId } = (body ?? {}) as { value?: unknown; waitId?: unknown };
    if (typeof body !== 'object' || body === null || !Object.hasOwn(body, 'value')) {
      return json(response, 400, { error: 'Send {"value": <the reply>} as JSON.' });
    }
    let run = await source.getRun(threadId);
    if (!run) return json(response, 404, { error: `No run "${threadId}".` });
    // An approval is answered with the hash of the arguments the page showed (its schema
    // says so), so a page left open does not approve the call the thread asks about now.
    const unbound = unboundApprovalReply(run.waits, {
      value,
      ...(typeof waitId === 'string' ? { waitId } : {}),
    });
    if (unbound) return json(response, 400, { error: unbound.message, code: unbound.code });
    // A child agent's wait is answered through the thread at the top of its family: only the
    // parent's run drives the child. The wait is named, since the parent may have others.
    const childWait = typeof waitId === 'string' ? waitId : run.waits[0]?.waitId;
    for (let depth = 0; run.summary.parentThreadId !== undefined && depth < 16; depth++) {
      // Only a parent the child's own id names: a stored row that points a thread at another
      // (written to the database directly) must not send the reply shown for one thread to a
      // wait of another. Such a thread is answered as itself, which its store refuses.
      if (!run.summary.threadId.startsWith(`${run.summary.parentThreadId}/`)) break;
      const parent = await source.getRun(run.summary.parentThreadId);
      if (!parent) break;
      run = parent;
    }
    const target = run.summary.threadId;
    // The agent whose machine wrote the run, else the one of the name the run records (a
    // machine changed since: the agent's restore says whether the checkpoint still fits).
    const agent =
      agents.get(run.summary.machineVersion) ??
      [...agents.values()].find((candidate) => candidate.name === run.summary.agent);
    if (!agent) {
      return json(response, 409, {
        error: `The studio was not given the agent of "${target}" (${run.summary.agent}): start it with --agent <module> to answer here, or use "agentchart send".`,
      });
    }
    try {
      // The root lists a child's wait under its id qualified by the child's thread below it.
      const named =
        target === threadId
          ? waitId
          : typeof childWait === 'string'
            ? childWaitId(threadId.slice(target.length + 1), childWait)
            : undefined;
      const handle = await deliverReply(agent, target, {
        value,
        ...(typeof named === 'string' ? { waitId: named } : {}),
      });
      // The run goes on in this process; the page follows it through the event stream.
      const finished = handle
        .result()
        .catch(() => undefined)
        .finally(() => {
          running.delete(finished);
          lastToken = undefined;
          void poll();
        });
      running.add(finished);
      json(response, 202, { message: 'Reply delivered: the run goes on.' });
    } catch (error) {
      const code = AgentchartError.isInstance(error) ? error.code : undefined;
      const status =
        code === 'human.invalid_reply' || code === 'human.ambiguous_reply'
          ? 400
          : code === undefined
            ? 500
            : code.startsWith('storage.')
              ? 503
              : 409;
      json(response, status, { error: (error as Error).message, ...(code ? { code } : {}) });
    }
  };

  const http = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://studio');
    if (!isLocalRequest(request, authority)) {
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end('The studio answers requests addressed to its loopback address only.\n');
      return;
    }
    response.setHeader('content-security-policy', contentSecurityPolicy);
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('referrer-policy', 'no-referrer');
    if (url.pathname.startsWith('/api/')) {
      api(request, response, url).catch((error: unknown) => {
        if (response.headersSent) return response.end();
        // The database down or busy is the store's trouble, for now: 503, so a client retries.
        const code = AgentchartError.isInstance(error) ? error.code : undefined;
        const status = code?.startsWith('storage.') ? 503 : 500;
        json(response, status, {
          error: (error as Error)?.message ?? String(error),
          ...(code ? { code } : {}),
        });
      });
      return;
    }
    const asset = staticAssets(assets)[url.pathname];
    if (!asset) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not found.\n');
      return;
    }
    response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
    response.end(asset.body);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  let inspectorClients = 0;
  let inspectorConnections = 0;
  http.on('upgrade', (request, socket, head) => {
    if (!isLocalRequest(request, authority)) {
      socket.destroy();
      return;
    }
    if (inspectorClients >= maxInspectorClients) {
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\nThe studio takes at most ${maxInspectorClients} inspector connections at once, and that many are open. Stop an inspected process, then connect again.\n`,
      );
      return;
    }
    // Counted from the handshake, not once it is done: handshakes under way count too.
    inspectorClients++;
    socket.once('close', () => inspectorClients--);
    sockets.handleUpgrade(request, socket, head, (client) => {
      // Each connection is its own source: two processes streaming at once share session ids.
      const source = `connection ${++inspectorConnections}`;
      client.on('message', (data) => {
        let message: unknown;
        try {
          message = JSON.parse(data.toString());
        } catch {
          return;
        }
        const actorId = inspector.receive(message, source);
        if (actorId) inspectorChanged(actorId);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const authority = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url: `http://${authority}/`,
    inspectUrl: `ws://${authority}/`,
    async close() {
      clearInterval(timer);
      clearTimeout(inspectorFlush);
      for (const listener of listeners) listener.end();
      for (const client of sockets.clients) client.terminate();
      await Promise.all(running);
      await Promise.all([...new Set(agents.values())].map((agent) => agent.close()));
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      source.close();
    },
  };
}

function staticAssets(
  assets: StudioAssets,
): Record<string, { type: string; body: string | Uint8Array }> {
  return {
    '/favicon.ico': { type: 'image/x-icon', body: studioIcon },
    '/': { type: 'text/html; charset=utf-8', body: assets.html },
    '/index.html': { type: 'text/html; charset=utf-8', body: assets.html },
    '/assets/app.js': { type: 'text/javascript; charset=utf-8', body: assets.js },
    '/assets/app.css': { type: 'text/css; charset=utf-8', body: assets.css },
  };
}
