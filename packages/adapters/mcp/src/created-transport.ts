import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * The transport can no longer deliver some answers, though it did not close: the SDK only
 * reports this through `onerror`, and its requests would wait for their timeout.
 * - `connection`: the stream of messages from the server broke (a stdio server wrote a
 *   message too large to read to its stdout): any answer awaited may be lost in it.
 * - `answers`: the HTTP answer to these requests broke off; the connection itself may be fine.
 */
export type TransportFailure =
  | { scope: 'connection'; reason: string; advice: string; cause: unknown }
  | {
      scope: 'answers';
      reason: string;
      advice: string;
      cause: unknown;
      /** The JSON-RPC messages whose answers were lost, as they were sent. */
      requests: readonly unknown[];
    };

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
  /** Set by the session: called when the transport breaks under requests without closing. */
  onFailure?: (failure: TransportFailure) => void;
  /**
   * Set by the session: called with what a stdio server wrote to stdout that is not an MCP
   * message (skipped; reading goes on).
   */
  onStrayOutput?: (line: string) => void;
}
