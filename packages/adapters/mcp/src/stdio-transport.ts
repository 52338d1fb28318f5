import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CreatedTransport } from './created-transport';
import type { McpStdioTransportOptions } from './types';
import { strayOutputLine, unreadableOutput } from './unreadable-output';

/**
 * Twice what an error quotes (see `quotedStderr`): a secret cut in two at the start of the
 * quoted part is then whole in the kept text, and redacted before the cut.
 */
const stderrTailLength = 4_000;
/** The SDK's own bound on one message read from a stdio server. */
const sdkReadBufferBytes = 10 * 1024 * 1024;

/**
 * The most bytes one message from the server may take before the SDK gives the connection
 * up: room for a result of `maxOutputBytes` written as JSON inside the JSON-RPC message (its
 * text escaped once more, up to twice as long), so a result over the cap is refused as
 * `mcp.output_too_large`, never read as a lost connection. At least the SDK's 10 MiB.
 */
function readBufferBytesFor(maxOutputBytes: number): number {
  return Math.max(sdkReadBufferBytes, 2 * maxOutputBytes + 64 * 1024);
}

/** How long a server has to exit after its stdin closes, then after SIGTERM. */
const graceMs = 2_000;

/**
 * A server started as a child process, over its stdin and stdout. Its stderr is piped (a
 * server's logs are not this process's output) and its exit is tracked here: the SDK stops
 * tracking the process when its close starts, and a failed handshake starts that close
 * without waiting for it, so only this transport can promise that the process is gone.
 */
export function stdioTransport(
  { command, args = [], env, cwd, onStderr }: McpStdioTransportOptions,
  { maxOutputBytes }: { maxOutputBytes: number },
): CreatedTransport {
  const readBufferBytes = readBufferBytesFor(maxOutputBytes);
  const transport = new StdioClientTransport({
    command,
    args: [...args],
    maxBufferSize: readBufferBytes,
    ...(env ? { env } : {}),
    ...(cwd ? { cwd } : {}),
    stderr: 'pipe',
  });
  let tail = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-stderrTailLength);
    onStderr?.(text);
  });

  let pid: number | null = null;
  let exited = false;
  let markExited = () => {};
  const exit = new Promise<void>((resolve) => {
    markExited = resolve;
  });
  // The SDK's client chains its own handler after this one; the transport calls it when the
  // process has exited and its pipes are closed.
  transport.onclose = () => {
    exited = true;
    markExited();
  };
  const start = transport.start.bind(transport);
  transport.start = async () => {
    try {
      await start();
    } finally {
      pid = transport.pid;
    }
  };

  const exitsWithin = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exit, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    return exited;
  };
  const signal = (name: NodeJS.Signals) => {
    try {
      if (pid !== null) process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };

  const created: CreatedTransport = {
    transport,
    label: [command, ...args].join(' '),
    stderrTail: () => tail.trim(),
    endSession: async () => {},
    async stopped() {
      if (pid === null || exited) return;
      if (await exitsWithin(graceMs)) return;
      signal('SIGTERM');
      if (await exitsWithin(graceMs)) return;
      signal('SIGKILL');
      await exit;
    },
  };
  // Like `onclose`, the client chains its own handler after this one.
  transport.onerror = (error) => {
    const failure = unreadableOutput(error, { readBufferBytes });
    if (failure) created.onFailure?.(failure);
    const stray = strayOutputLine(error);
    if (stray) created.onStrayOutput?.(stray);
  };
  return created;
}
