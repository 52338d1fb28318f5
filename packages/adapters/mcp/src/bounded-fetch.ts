import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * `fetch` for the streamable HTTP transport that reads at most `maxBytes` of a message's
 * answer. The SDK reads an answer whole before anything can measure it, so without a bound a
 * server (hostile, or broken and streaming without end) makes this process hold all it sends;
 * past the bound the body fails, and so does the call, as a lost connection. The long-lived
 * stream of server notifications (a GET), which may run for hours, is bounded per event.
 */
export function boundedFetch(maxBytes: number): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (response.body === null) return response;
    if (init?.method !== 'POST')
      return withBody(response, response.body.pipeThrough(boundedEvents(maxBytes)));
    let read = 0;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          read += chunk.byteLength;
          if (read > maxBytes) {
            controller.error(
              new Error(
                `the MCP server's answer ran past ${maxBytes} bytes, more than a result of maxOutputBytes can take; it was not read further`,
              ),
            );
            return;
          }
          controller.enqueue(chunk);
        },
      }),
    );
    return withBody(response, body);
  };
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
