import type { TransportFailure } from './created-transport';

const stdoutAdvice =
  'MCP lets a stdio server write only its messages to stdout: make it log to stderr.';

/**
 * What the SDK's stdio transport reports through `onerror` when it cannot read the server's
 * stdout, as a failure of the connection; undefined for any other error (a pipe that failed
 * ends the process, which the transport reports as closed). The SDK skips a line that is not
 * a JSON-RPC message, but the answer a call waits for may be that line, so the call would
 * wait out its timeout; past `readBufferBytes` it drops what it had read and closes.
 */
export function unreadableOutput(
  error: unknown,
  { readBufferBytes }: { readBufferBytes: number },
): TransportFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.message.startsWith('ReadBuffer exceeded maximum size')) {
    return {
      scope: 'connection',
      reason: `it wrote a message over ${readBufferBytes} bytes to stdout, more than a result of maxOutputBytes takes, and the client stopped reading it`,
      advice: 'Raise maxOutputBytes if its results are that large.',
      cause: error,
    };
  }
  if (error instanceof SyntaxError) {
    return {
      scope: 'connection',
      // JSON.parse quotes only the start of the line.
      reason: `it wrote a line to stdout that is not JSON (${error.message.slice(0, 200)})`,
      advice: stdoutAdvice,
      cause: error,
    };
  }
  if (error.name === 'ZodError' || Array.isArray((error as { issues?: unknown }).issues)) {
    return {
      scope: 'connection',
      reason: 'it wrote a line to stdout that is JSON but not a JSON-RPC message',
      advice: stdoutAdvice,
      cause: error,
    };
  }
  return undefined;
}
