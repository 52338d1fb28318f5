import type { TransportFailure } from './created-transport';

/**
 * What the SDK's stdio transport reports through `onerror` when it stopped reading the
 * server's stdout — a message past `readBufferBytes`, after which it drops what it had read
 * and closes — as a failure of the connection: the answer a call waits for is gone with it.
 * Undefined for any other error (a pipe that failed ends the process, which the transport
 * reports as closed; a stray line is {@link strayOutputLine}'s).
 */
export function unreadableOutput(
  error: unknown,
  { readBufferBytes }: { readBufferBytes: number },
): TransportFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  if (!error.message.startsWith('ReadBuffer exceeded maximum size')) return undefined;
  return {
    scope: 'connection',
    reason: `it wrote a message over ${readBufferBytes} bytes to stdout, more than a result of maxOutputBytes takes, and the client stopped reading it`,
    advice: 'Raise maxOutputBytes if its results are that large.',
    cause: error,
  };
}

/**
 * What a stdio server wrote to stdout that is not an MCP message, as the SDK reports it (the
 * line is skipped and reading goes on): `not JSON` or `JSON but not a JSON-RPC message`;
 * undefined for any other error. Such a line is most often a log line of a server that logs
 * to stdout, which MCP forbids but many servers do while they answer: it must not fail the
 * call. It may also be an answer the server wrote wrongly, which then never comes: the
 * session says so in a warning, so a call that later times out is explained.
 */
export function strayOutputLine(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  // The line itself is not quoted: a server's log line may hold what must not be printed.
  if (error instanceof SyntaxError) return 'not JSON';
  if (error.name === 'ZodError' || Array.isArray((error as { issues?: unknown }).issues)) {
    return 'JSON but not a JSON-RPC message';
  }
  return undefined;
}
