import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** An SDK transport with what the connection needs around it. */
export interface CreatedTransport {
  transport: Transport;
  /** Names the server in messages until it announces its own name. */
  label: string;
  /**
   * The end of what a stdio server wrote to stderr (its last 4,000 characters), for the
   * errors that report it dead: redact it, then quote its last 2,000 (`quotedStderr`).
   */
  stderrTail(): string;
  /** Deletes an HTTP session on the server; nothing to do for stdio. */
  endSession(): Promise<void>;
  /**
   * Resolves once the server is gone, after the client closed: a stdio server's process has
   * exited (signalled if it lingers); at once for HTTP.
   */
  stopped(): Promise<void>;
}
