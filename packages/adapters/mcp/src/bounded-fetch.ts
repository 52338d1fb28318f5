import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * `fetch` for the streamable HTTP transport that reads at most `maxBytes` of a message's
 * answer. The SDK reads an answer whole before anything can measure it, so without a bound a
 * server (hostile, or broken and streaming without end) makes this process hold all it sends;
 * past the bound the body fails, and so does the call, as a lost connection. Only the answers
 * to posted messages are bounded: the long-lived stream of server notifications (a GET) is
 * read message by message by the SDK and may run for hours.
 */
export function boundedFetch(maxBytes: number): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (init?.method !== 'POST' || response.body === null) return response;
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
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
