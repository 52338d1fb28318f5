import type { McpConnectionStatus } from './types';

/**
 * What moves a connection: its transport closed (by itself or by us), the server forgot the
 * session, the stream of messages broke under a call (`stream.broken`), or `close()` was called.
 */
export type McpConnectionEvent = 'transport.closed' | 'session.expired' | 'stream.broken' | 'close';

const transitions: Record<
  McpConnectionStatus,
  Partial<Record<McpConnectionEvent, McpConnectionStatus>>
> = {
  open: {
    'transport.closed': 'lost',
    'session.expired': 'lost',
    'stream.broken': 'lost',
    close: 'closed',
  },
  lost: { close: 'closed' },
  // Closing the client closes its transport: that event arrives here and changes nothing.
  closed: {},
};

/** The one place a connection's status changes; events a status does not expect leave it as it is. */
export function nextConnectionStatus(
  status: McpConnectionStatus,
  event: McpConnectionEvent,
): McpConnectionStatus {
  return transitions[status][event] ?? status;
}
