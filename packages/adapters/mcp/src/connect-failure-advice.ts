/** What a failed connection says about its cause, for the `mcp.connect_failed` message. */
export interface ConnectFailureAdvice {
  /** The cause in words, e.g. `the server answered HTTP 401`. */
  reason: string;
  /** What to check or change. */
  advice: string;
  /** The HTTP status the server answered with, when it answered one. */
  status?: number;
}

/** Node's error codes of a connection that never reached a server, with what to check. */
const networkCodes: Record<string, string> = {
  ECONNREFUSED: 'nothing listens at that address and port: check the URL and that the server runs',
  ENOTFOUND: 'the host name does not resolve: check the URL',
  EAI_AGAIN: 'the host name could not be resolved for now (DNS): check the network',
  ECONNRESET: 'the connection was reset before an answer: check the URL, and any proxy between',
  ETIMEDOUT: 'the connection timed out: check the network, a firewall or a proxy',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "the server's TLS certificate is not trusted: behind a corporate CA, give its certificate in NODE_EXTRA_CA_CERTS",
  SELF_SIGNED_CERT_IN_CHAIN:
    "the server's TLS certificate is not trusted: behind a corporate CA, give its certificate in NODE_EXTRA_CA_CERTS",
  DEPTH_ZERO_SELF_SIGNED_CERT:
    "the server's TLS certificate is self-signed: give it in NODE_EXTRA_CA_CERTS to trust it",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID:
    "the server's TLS certificate is not for this host name: check the URL",
};

/**
 * Reads why a connection failed from what the MCP SDK and Node threw: the HTTP status a
 * server answered (the SDK's `StreamableHTTPError` carries it as `code`), the network error
 * under `fetch failed`, or a command that could not be started. Undefined when the failure
 * says nothing more than its message.
 */
export function connectFailureAdvice(cause: unknown): ConnectFailureAdvice | undefined {
  const status = httpStatusOf(cause);
  if (status !== undefined) return httpAdvice(status);
  const code = systemCodeOf(cause);
  if (code === undefined) return undefined;
  if ((cause as { syscall?: unknown }).syscall?.toString().startsWith('spawn')) {
    if (code === 'ENOENT') {
      return {
        reason: 'the command was not found',
        advice: 'give its full path, or check that it is installed and on the PATH of this process',
      };
    }
    if (code === 'EACCES') {
      return { reason: 'the command may not be run', advice: 'check that the file is executable' };
    }
  }
  const known = networkCodes[code];
  return known === undefined ? undefined : { reason: `${code}`, advice: known };
}

function httpAdvice(status: number): ConnectFailureAdvice {
  const reason = `the server answered HTTP ${status}`;
  if (status === 401 || status === 403) {
    return {
      status,
      reason,
      advice:
        'it refused the credentials: check transport.headers (an Authorization header, say) and that the token is valid for this server',
    };
  }
  if (status === 404 || status === 405) {
    return {
      status,
      reason,
      advice:
        "no MCP endpoint at that path: check the URL's path (many servers serve MCP at /mcp) and that the server has the streamable HTTP transport",
    };
  }
  if (status >= 500) {
    return { status, reason, advice: 'the server failed: see its logs, and try again' };
  }
  return { status, reason, advice: 'check the URL and that the server speaks MCP' };
}

/** The HTTP status of the SDK's `StreamableHTTPError`, if that is what failed. */
function httpStatusOf(cause: unknown): number | undefined {
  if (!(cause instanceof Error) || !cause.message.startsWith('Streamable HTTP error:')) {
    return undefined;
  }
  const { code } = cause as { code?: unknown };
  return typeof code === 'number' && code >= 400 && code <= 599 ? code : undefined;
}

/** Node's system error code of the failure, or of its cause (`fetch failed` hides it there). */
function systemCodeOf(cause: unknown): string | undefined {
  for (let error = cause, depth = 0; error instanceof Error && depth < 4; depth++) {
    const { code } = error as { code?: unknown };
    if (typeof code === 'string') return code;
    error = (error as { cause?: unknown }).cause;
  }
  return undefined;
}
