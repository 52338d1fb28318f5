import type { ServerResponse } from 'node:http';

/** Writes Server-Sent Events the way OpenAI streams chat completions. */
export interface SseWriter {
  /**
   * One `data:` event; an object is serialized, a string goes out as it is (to send broken
   * JSON). `written` runs once the bytes are handed to the kernel.
   */
  event(data: unknown, written?: () => void): void;
  /** The `data: [DONE]` terminator, then the end of the response. */
  done(): void;
}

/** Sends the SSE response head and returns a writer for its events. */
export function startSse(response: ServerResponse, headers: Record<string, string>): SseWriter {
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  // Headers go out now, so a client sees the stream begin before the first event.
  response.flushHeaders();
  return {
    event(data, written) {
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      response.write(`data: ${text}\n\n`, written);
    },
    done() {
      response.end('data: [DONE]\n\n');
    },
  };
}
