import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CompletionIdentity, completionBody, completionChunks } from './completion-body';
import { startSse } from './sse-writer';
import type { ChatCompletionRequestBody, MessageReply, PartialReply, ScriptedReply } from './types';

/** Sends a complete response with a JSON (or any text) body. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    ...headers,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Everything about the request a reply is written for. */
export interface ReplyTarget {
  body: ChatCompletionRequestBody;
  identity: CompletionIdentity;
  request: IncomingMessage;
  response: ServerResponse;
  /** Headers every response of the server carries (`x-request-id`). */
  headers: Record<string, string>;
}

function sendMessage(reply: MessageReply, { body, identity, response, headers }: ReplyTarget) {
  const allHeaders = { ...headers, ...reply.headers };
  if (!body.stream) {
    return sendJson(response, 200, completionBody(reply, body, identity), allHeaders);
  }
  const sse = startSse(response, allHeaders);
  for (const chunk of completionChunks(reply, body, identity)) sse.event(chunk);
  sse.done();
}

function sendPartial(reply: PartialReply, { body, identity, response, headers }: ReplyTarget) {
  // Destroy only once the bytes already written are handed to the kernel, or they vanish too.
  const end = () => {
    if (reply.end === 'cut') response.socket?.destroy();
    if (reply.end === 'close') response.end();
  };
  const allHeaders = { ...headers, ...reply.message.headers };
  if (body.stream) {
    const sse = startSse(response, allHeaders);
    const chunks = completionChunks(reply.message, body, identity).slice(0, reply.afterEvents ?? 2);
    chunks.forEach((chunk, index) => {
      sse.event(chunk, index === chunks.length - 1 ? end : undefined);
    });
    if (chunks.length === 0) end();
    return;
  }
  const text = JSON.stringify(completionBody(reply.message, body, identity));
  response.writeHead(200, {
    'content-type': 'application/json',
    ...allHeaders,
    'content-length': Buffer.byteLength(text),
  });
  response.write(text.slice(0, Math.floor(text.length / 2)), end);
}

function sendMalformed({ body, identity, response, headers }: ReplyTarget) {
  if (body.stream) {
    const sse = startSse(response, headers);
    sse.event(
      `{"id":"${identity.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel`,
    );
    return sse.done();
  }
  sendJson(
    response,
    200,
    `{"id":"${identity.id}","object":"chat.completion","choices":[{"index":0,"message":{"role":"assis`,
    headers,
  );
}

/** Writes one scripted reply, faults included, to the request's response or socket. */
export function sendReply(reply: ScriptedReply, target: ReplyTarget) {
  switch (reply.kind) {
    case 'message':
      return sendMessage(reply, target);
    case 'http_error':
      return sendJson(target.response, reply.status, reply.body, {
        ...target.headers,
        ...reply.headers,
      });
    case 'connection_reset':
      // A TCP RST, as a crashed proxy or load balancer sends; the client sees ECONNRESET.
      target.request.socket.resetAndDestroy();
      return;
    case 'stall':
      return;
    case 'partial':
      return sendPartial(reply, target);
    case 'malformed':
      return sendMalformed(target);
  }
}
