import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CompletionIdentity } from './completion-body';
import { sendJson, sendReply } from './send-reply';
import type {
  ChatCompletionRequestBody,
  OpenAIErrorBody,
  RecordedRequest,
  ReplyHandler,
  ScriptedReply,
} from './types';

/** Options of {@link createOpenAITestServer}. */
export interface OpenAITestServerOptions {
  /** Replies served first, one per request, in order. */
  replies?: ScriptedReply[] | undefined;
  /** Answers each request once the queue is empty, so a test can answer from the messages. */
  handler?: ReplyHandler | undefined;
  /** When set, a request without `Authorization: Bearer <apiKey>` gets OpenAI's 401. */
  apiKey?: string | undefined;
  /** The clock stamped on recorded requests; `Date.now` by default. */
  now?: (() => number) | undefined;
}

/** A running fault-injecting OpenAI-compatible server; see {@link createOpenAITestServer}. */
export interface OpenAITestServer {
  /** Listens on 127.0.0.1 on a free port; resolves to the base URL, `http://127.0.0.1:PORT/v1`. */
  start(): Promise<string>;
  /** Stops listening, destroys every open socket (stalled requests included) and drops timers. */
  close(): Promise<void>;
  /** The base URL; throws before {@link OpenAITestServer.start}. */
  readonly baseURL: string;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /**
   * Responses neither ended nor closed by the client yet: a stalled reply stays open until the
   * client lets go of it, so a test can check that a client released a connection it held.
   */
  readonly openResponses: number;
  /** Appends replies to the queue. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Replaces the handler used once the queue is empty. */
  setHandler(handler: ReplyHandler | undefined): void;
  /** Forgets recorded requests and queued replies and restarts ids, between tests sharing one server. */
  reset(): void;
}

const maxBodyBytes = 16 * 1024 * 1024;

function errorBody(message: string, type: string, code: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param: null, code } };
}

/**
 * Creates the fault-injecting OpenAI-compatible HTTP server the project's tests talk to
 * through real clients. It serves `POST /v1/chat/completions` (JSON or SSE) from a script:
 * queued replies first, then a handler of the request. Faults are replies too, built with
 * `replies` (429 with each Retry-After form, 5xx, resets, stalls, cut streams, broken JSON).
 *
 * @example
 * ```ts
 * const server = createOpenAITestServer({
 *   replies: [replies.rateLimited({ retryAfterMs: 50 }), replies.text('Hello')],
 * });
 * const baseURL = await server.start();
 * // ... point a client at baseURL, then:
 * expect(server.requests).toHaveLength(2);
 * await server.close();
 * ```
 */
export function createOpenAITestServer(options: OpenAITestServerOptions = {}): OpenAITestServer {
  const now = options.now ?? Date.now;
  const queue: ScriptedReply[] = [...(options.replies ?? [])];
  let handler = options.handler;
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const open = new Set<ServerResponse>();
  let responseCount = 0;
  let baseURL: string | undefined;

  const server = createServer((request, response) => {
    open.add(response);
    response.on('close', () => open.delete(response));
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendJson(
          response,
          500,
          errorBody(`agentchart test server failed: ${String(error)}`, 'server_error'),
        );
      } else {
        response.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  /** The body as text; past the size cap, only as much as makes it too long to serve. */
  async function readBody(request: IncomingMessage): Promise<string> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const part of request as AsyncIterable<Buffer>) {
      if (size <= maxBodyBytes) parts.push(part);
      size += part.length;
    }
    return Buffer.concat(parts).toString('utf8');
  }

  /** The error OpenAI would answer before looking at the script, if any. */
  function rejection(recorded: RecordedRequest): [number, OpenAIErrorBody] | undefined {
    const path = recorded.path.split('?')[0];
    if (recorded.rawBody.length > maxBodyBytes) {
      return [413, errorBody('Request body too large.', 'invalid_request_error')];
    }
    if (recorded.method !== 'POST' || path !== '/v1/chat/completions') {
      return [404, errorBody(`Invalid URL (${recorded.method} ${path})`, 'invalid_request_error')];
    }
    if (
      options.apiKey !== undefined &&
      recorded.headers.authorization !== `Bearer ${options.apiKey}`
    ) {
      const message =
        'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.';
      return [401, errorBody(message, 'invalid_request_error', 'invalid_api_key')];
    }
    return undefined;
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const rawBody = await readBody(request);
    let body: ChatCompletionRequestBody | undefined;
    try {
      body = JSON.parse(rawBody) as ChatCompletionRequestBody;
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: { ...request.headers },
      body,
      rawBody,
      receivedAt: now(),
    };
    requests.push(recorded);
    const number = ++responseCount;
    const headers = { 'x-request-id': `req_test_${number}` };

    const rejected = rejection(recorded);
    if (rejected) return sendJson(response, rejected[0], rejected[1], headers);
    if (!body) {
      const message =
        'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.';
      return sendJson(response, 400, errorBody(message, 'invalid_request_error'), headers);
    }
    const reply = queue.shift() ?? (await handler?.(recorded));
    if (!reply) {
      // Loud on purpose: a test that runs out of script should fail with this message.
      const message = `agentchart test server: no scripted reply left for request #${number}; enqueue one or set a handler.`;
      return sendJson(response, 500, errorBody(message, 'server_error'), headers);
    }
    if ('delayMs' in reply && reply.delayMs) await wait(reply.delayMs);
    // The client may have given up during the delay; writing to its socket would only fail.
    if (response.destroyed || request.socket.destroyed) return;

    const identity: CompletionIdentity = {
      id: `chatcmpl-test-${number}`,
      created: Math.floor(now() / 1000),
      model: (reply.kind === 'message' && reply.model) || body.model,
      callIdPrefix: `call_test_${number}`,
    };
    sendReply(reply, { body, identity, request, response, headers });
  }

  return {
    async start() {
      if (baseURL) return baseURL;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      baseURL = `http://127.0.0.1:${port}/v1`;
      return baseURL;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server.listening) return;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    get baseURL() {
      if (!baseURL) throw new Error('OpenAITestServer.baseURL: call start() first.');
      return baseURL;
    },
    get requests() {
      return requests;
    },
    get openResponses() {
      return open.size;
    },
    enqueue(...more) {
      queue.push(...more);
    },
    setHandler(next) {
      handler = next;
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      // Ids (`chatcmpl-test-1`, `call_test_1_0`) start over, so tests can expect them.
      responseCount = 0;
    },
  };
}
