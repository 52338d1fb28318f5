import { checkOptionNames, maxTimerMs, validateNumberOption } from '@agentchart/core/internal';
import { checkCount, checkWebSocketUrl } from './check-inspect-options';
import { InspectionBacklog } from './inspection-backlog';
import { toJsonLine } from './to-json-line';
import type { InspectionMessage, InspectionSink } from './types';

/** Options of {@link webSocketSink}. */
export interface WebSocketSinkOptions {
  /** The relay's WebSocket URL. Default `ws://127.0.0.1:8080`. */
  url?: string | undefined;
  /**
   * Messages kept while the relay is unreachable (not yet connected, or gone) or slow; past
   * this many the oldest go first, and a warning says so once. Each live actor's registration
   * is kept besides them (at most this many, and no fewer than 1,000), so a burst cannot
   * leave later messages about actors the inspector was never told of. Default 1000.
   */
  maxBuffered?: number | undefined;
  /** Wait before reconnecting after the relay went away. Default 1000 ms. */
  retryMs?: number | undefined;
  /**
   * Bytes the socket may hold unsent before messages wait in the bounded queue instead: a
   * relay that stopped reading would otherwise have every message held in this process.
   * Default 16 MiB.
   */
  maxUnsentBytes?: number | undefined;
}

/**
 * Sends inspection messages to a relay (`startInspectorRelay`, or `@statelyai/inspect`'s
 * `createInspectorServer`) over Node's own WebSocket client. Unlike the WebSocket adapter of
 * `@statelyai/inspect` 0.7 it stops for good on `close()` and never holds the process open
 * while it waits to reconnect: a missing relay must not keep an agent's process alive; and a
 * relay that stops reading costs it at most `maxUnsentBytes` and `maxBuffered` messages (with
 * the registrations of the actors they concern). Dropping messages is reported once, as a
 * process warning `AGENTCHART_INSPECT_DROPPED`.
 */
export function webSocketSink(options: WebSocketSinkOptions = {}): InspectionSink {
  checkSinkOptions(options);
  const {
    url = 'ws://127.0.0.1:8080',
    maxBuffered = 1000,
    retryMs = 1000,
    maxUnsentBytes = 16 * 1024 * 1024,
  } = options;
  const queue = new InspectionBacklog<string>(maxBuffered);
  let warned = false;
  let socket: WebSocket | undefined;
  let open = false;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    if (closed) return;
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      open = true;
      for (const line of queue.drain()) ws.send(line);
    });
    ws.addEventListener('close', () => {
      open = false;
      if (socket === ws) socket = undefined;
      if (closed) return;
      retry = setTimeout(connect, retryMs);
      retry.unref();
    });
    // A refused or broken connection also closes: reconnecting is the close handler's job.
    ws.addEventListener('error', () => undefined);
  };
  connect();

  return {
    send(message: InspectionMessage) {
      const line = toJsonLine(message);
      if (open && socket && socket.bufferedAmount <= maxUnsentBytes) {
        // What waited while the relay was slow goes first, in order.
        if (queue.size > 0) for (const waiting of queue.drain()) socket.send(waiting);
        socket.send(line);
        return;
      }
      if (queue.push(message, line) && !warned) {
        warned = true;
        process.emitWarning(droppedWarning(url, maxBuffered), {
          code: 'AGENTCHART_INSPECT_DROPPED',
        });
      }
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const ws = socket;
      if (!ws) return;
      // A socket still connecting gets its chance to send what waited for it.
      if (!open) await settled(ws, 'open');
      if (open) for (const line of queue.drain()) ws.send(line);
      // close() lets what was sent drain first.
      const closing = settled(ws, 'close');
      ws.close();
      await closing;
    },
  };
}

/** Says once that the live view lost messages: the recordings did not. */
function droppedWarning(url: string, maxBuffered: number): string {
  return `The inspector dropped messages for ${url}: while the relay was not connected or read slowly, more than ${maxBuffered} arrived, and the oldest went (live actors' registrations were kept). The live view misses them; recordings have every message. Start the relay before the runs, or pass a larger maxBuffered to createAgentInspector or webSocketSink. Later drops are not warned again.`;
}

/** Resolves on the socket's `event`, on its close, or after two seconds, whichever is first. */
function settled(ws: WebSocket, event: 'open' | 'close'): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.addEventListener(event, done, { once: true });
    if (event !== 'close') ws.addEventListener('close', done, { once: true });
  });
}

/**
 * Before, nothing was checked: `maxUnsentBytes: NaN` sent nothing until `close()`, `retryMs: 0`
 * reconnected about 500 times a second to a relay that was down, `maxBuffered: NaN` buffered
 * without bound, and a misspelt option was ignored.
 */
function checkSinkOptions(options: WebSocketSinkOptions): void {
  const owner = 'webSocketSink';
  checkOptionNames(owner, options, ['url', 'maxBuffered', 'retryMs', 'maxUnsentBytes']);
  if (options.url !== undefined) checkWebSocketUrl(owner, 'url', options.url);
  checkCount(owner, 'maxBuffered', options.maxBuffered, 1, 'messages held while the relay is away');
  checkCount(owner, 'maxUnsentBytes', options.maxUnsentBytes, 1, 'bytes a socket may hold unsent');
  if (options.retryMs !== undefined) {
    validateNumberOption(owner, 'retryMs', options.retryMs, {
      min: 10,
      max: maxTimerMs,
      expected: `milliseconds between reconnections, from 10 to ${maxTimerMs}`,
    });
  }
}
