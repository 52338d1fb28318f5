import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { boundedAnswer } from './bounded-answer';

/** Hears of the requests of a POST whose answer broke off, and why. */
export type AnswerLostListener = (requests: readonly unknown[], error: unknown) => void;

/**
 * `fetch` for the streamable HTTP transport that reads at most `maxBytes` of a message's
 * answer. The SDK reads an answer whole before anything can measure it, so without a bound a
 * server (hostile, or broken and streaming without end) makes this process hold all it sends;
 * past the bound the body fails. The long-lived stream of server notifications (a GET), which
 * may run for hours, is bounded per event.
 *
 * An answer that fails (past the bound, or its connection broke) is told to `onAnswerLost`
 * with the requests the POST carried: the SDK fails the call itself only for a JSON answer,
 * and an event stream that broke, it only reports to `onerror`.
 */
export function boundedFetch(maxBytes: number, onAnswerLost?: AnswerLostListener): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (response.body === null) return response;
    if (init?.method !== 'POST')
      return withBody(response, response.body.pipeThrough(boundedEvents(maxBytes)));
    const requests = requestsIn(init.body);
    // An HTTP error is failed by the SDK at once, whatever happens to its body.
    const onBroken =
      onAnswerLost && response.ok && requests.length > 0
        ? (error: unknown) => onAnswerLost(requests, error)
        : undefined;
    return withBody(response, boundedAnswer(response.body, { maxBytes, onBroken }));
  };
}

/** The JSON-RPC requests (with an id, so awaiting an answer) in a POST's body. */
function requestsIn(body: unknown): unknown[] {
  if (typeof body !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).filter(
    (message) =>
      typeof message === 'object' && message !== null && 'method' in message && 'id' in message,
  );
}

function withBody(response: Response, body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

const newline = 0x0a;
const carriageReturn = 0x0d;

/**
 * The long-lived notification stream, read event by event: an event (up to its blank line)
 * longer than `maxBytes` fails the stream. Unbounded, a server that opened an event and never
 * ended it made this process buffer all it sent (100 MB a second, until the heap ran out).
 */
function boundedEvents(maxBytes: number): TransformStream<Uint8Array, Uint8Array> {
  let sinceBlankLine = 0;
  let atLineStart = false;
  // SSE ends a line with CR, LF or CR LF: the LF of a CR LF ends no second line.
  let afterCarriageReturn = false;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      for (const byte of chunk) {
        if (byte === newline && afterCarriageReturn) {
          afterCarriageReturn = false;
          continue;
        }
        afterCarriageReturn = byte === carriageReturn;
        if (byte === newline || byte === carriageReturn) {
          if (atLineStart) sinceBlankLine = 0;
          atLineStart = true;
          continue;
        }
        atLineStart = false;
        sinceBlankLine += 1;
      }
      if (sinceBlankLine > maxBytes) {
        controller.error(
          new Error(
            `an event on the MCP server's notification stream ran past ${maxBytes} bytes (maxOutputBytes); the stream was not read further`,
          ),
        );
        return;
      }
      controller.enqueue(chunk);
    },
  });
}
