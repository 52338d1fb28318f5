import { DefinitionError } from '@agentchart/core';
import { describeValue, validateNumberOption } from '@agentchart/core/internal';

function fail(owner: string, message: string): never {
  throw new DefinitionError('definition.invalid_option', `${owner}: ${message}`);
}

/** A whole number from `min`: messages, clients, bytes. */
export function checkCount(
  owner: string,
  name: string,
  value: unknown,
  min: number,
  what: string,
): void {
  if (value === undefined) return;
  validateNumberOption(owner, name, value as number, {
    min,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: `a whole number of ${what}, ${min} or more`,
  });
}

/** A flag: a string such as `'false'` is truthy, and would do the opposite of what it says. */
export function checkFlag(owner: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    fail(owner, `${name} is ${describeValue(value)}. Give true or false.`);
  }
}

/** A callback the inspector calls from a timer: one that is not a function throws there, uncaught. */
export function checkFunction(owner: string, name: string, value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'function') {
    fail(owner, `${name} is ${describeValue(value)}. Give a function ${what}.`);
  }
}

/** An http(s) URL: the relay's page embeds it, so nothing else may reach the page's HTML. */
export function checkHttpUrl(owner: string, name: string, value: unknown): void {
  if (value === undefined) return;
  const url = urlOf(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    fail(
      owner,
      `${name} is ${describeValue(value)}. Give an http(s) URL, such as https://stately.ai/inspect.`,
    );
  }
}

/** A WebSocket URL, checked when given rather than when the socket is first opened. */
export function checkWebSocketUrl(owner: string, name: string, value: unknown): void {
  const url = urlOf(value);
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
    fail(
      owner,
      `${name} is ${describeValue(value)}. Give a ws:// or wss:// URL, such as the relay's url (ws://127.0.0.1:8080).`,
    );
  }
}

/**
 * Origins of web pages: each a scheme, a host and maybe a port, exactly as a browser sends
 * it. A string was matched as a substring, and an origin without a scheme never matched.
 */
export function checkOrigins(owner: string, name: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    fail(
      owner,
      `${name} is ${describeValue(value)}. Give a list of origins, such as ['http://localhost:5173'].`,
    );
  }
  for (const origin of value) {
    if (urlOf(origin)?.origin !== origin) {
      fail(
        owner,
        `${name} has ${describeValue(origin)}, which is not an origin as a browser sends it. Give the scheme, host and port only, such as 'http://localhost:5173'.`,
      );
    }
  }
}

/** A host name or address to listen on: empty, it listened on every interface. */
export function checkHost(owner: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    fail(
      owner,
      `host is ${describeValue(value)}. Give the interface to listen on: '127.0.0.1' (the default, this machine only), or '0.0.0.0' to listen on every interface on purpose.`,
    );
  }
}

/** A TCP port: 0 picks a free one. */
export function checkPort(owner: string, value: unknown): void {
  if (value === undefined) return;
  validateNumberOption(owner, 'port', value as number, {
    min: 0,
    max: 65_535,
    integer: true,
    expected: 'a port from 0 to 65535 (0 picks a free one)',
  });
}

/** `value` parsed as a URL; undefined when it is not text or not a URL. */
function urlOf(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
