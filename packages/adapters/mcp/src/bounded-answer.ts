/**
 * The body of the answer to one POST, read up to `maxBytes`: past it the body fails and the
 * server is not read further. `onBroken` hears of a body that failed (past the bound, or the
 * connection broke mid-answer) when the SDK will not resume it: the SDK reports that only
 * through `onerror`, and the request it carried would wait for its timeout. An answer stream
 * that gave an event id is resumed by the SDK (a GET with `Last-Event-ID`), so its failure is
 * left to the SDK.
 */
export function boundedAnswer(
  body: ReadableStream<Uint8Array>,
  { maxBytes, onBroken }: { maxBytes: number; onBroken?: ((error: unknown) => void) | undefined },
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const eventIds = eventIdWatch();
  let read = 0;
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    if (!eventIds.seen()) onBroken?.(error);
    controller.error(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Uint8Array;
      try {
        const next = await reader.read();
        if (next.done) return controller.close();
        chunk = next.value;
      } catch (error) {
        return fail(controller, error);
      }
      read += chunk.byteLength;
      if (read > maxBytes) {
        reader.cancel().catch(() => {});
        return fail(
          controller,
          new Error(
            `the MCP server's answer ran past ${maxBytes} bytes, more than a result of maxOutputBytes can take; it was not read further`,
          ),
        );
      }
      eventIds.see(chunk);
      controller.enqueue(chunk);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * Whether an SSE stream has given an `id` field yet (a line `id:…`, or `id` alone). A JSON
 * answer never does: its keys are quoted.
 */
function eventIdWatch(): { see(chunk: Uint8Array): void; seen(): boolean } {
  const decoder = new TextDecoder();
  // A line ending before the first byte: the stream's first line is checked like the others.
  let tail = '\n';
  let found = false;
  return {
    see(chunk) {
      if (found) return;
      const text = tail + decoder.decode(chunk, { stream: true });
      found = /[\r\n]id[:\r\n]/.test(text);
      // Enough to find a field cut between two chunks.
      tail = text.slice(-3);
    },
    seen: () => found,
  };
}
