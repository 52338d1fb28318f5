import { DefinitionError } from '@agentchart/core';

/** Where the base URL of an {@link resolveBaseURL} call came from, for its messages. */
export type BaseURLSource = 'option baseURL' | 'OPENAI_BASE_URL';

/** Options of {@link resolveBaseURL}. */
export interface ResolveBaseURLOptions {
  /** The URL as given, trailing slashes included. */
  value: string;
  source: BaseURLSource;
  /** Who asks, for the message: `openAIChatModel`. */
  owner: string;
}

/** The URL with whatever sits between `//` and `@` masked, for messages about a URL that has credentials. */
export function redactCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
}

function refuse(owner: string, message: string): DefinitionError {
  return new DefinitionError('definition.invalid_option', `${owner}: ${message}`);
}

/**
 * Checks an OpenAI-compatible base URL when the model is defined and returns it without
 * trailing slashes. Only `http:` and `https:` are accepted. A URL with credentials
 * (`https://user:key@host/v1`) is refused rather than stripped: the endpoint's name, every
 * error and event, and the run log would otherwise carry the key, and fetch refuses such URLs
 * anyway, so the credentials could never have been used. The refusal shows the URL with the
 * credentials masked.
 *
 * @throws DefinitionError `definition.invalid_option` for a URL that does not parse, is not
 * http(s), or has credentials.
 */
export function resolveBaseURL({ value, source, owner }: ResolveBaseURLOptions): string {
  if (typeof value !== 'string') {
    throw refuse(owner, `${source} must be a string URL, got ${typeof value}.`);
  }
  const baseURL = value.replace(/\/+$/, '');
  const shown = `"${redactCredentials(baseURL)}"`;
  const url = URL.parse(baseURL);
  if (!url) {
    throw refuse(
      owner,
      `${source} is not a URL: ${shown}. Give the endpoint's URL, e.g. "https://api.openai.com/v1".`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refuse(
      owner,
      `${source} must be an http or https URL, got ${shown} (${url.protocol}). Give the ` +
        'endpoint\'s URL, e.g. "https://api.openai.com/v1" or "http://localhost:11434/v1".',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw refuse(
      owner,
      `${source} has credentials in it: ${shown}. They would appear in the endpoint's name, ` +
        'errors, events and logs, and the client would not send them. Remove them from the URL ' +
        'and pass the key as option apiKey (or OPENAI_API_KEY).',
    );
  }
  return baseURL;
}

/** Query parameters whose values are credentials (`?api_key=`, `?token=`, `?sig=` …). */
const credentialParameter = /key|token|secret|sig|pass|auth|credential/i;

/**
 * The base URL as the endpoint's name shows it: without its query and fragment. Some
 * gateways take the key as a query parameter (`?api_key=…`); the endpoint's name goes into
 * the journal, the run log, events and errors, where a credential must never be.
 */
export function endpointURL(baseURL: string): string {
  const url = new URL(baseURL);
  return url.search === '' && url.hash === ''
    ? baseURL
    : `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The values of the base URL's query parameters named like credentials, for the model's
 * `secrets`: the agent redacts them from whatever quotes the URL whole (a client's error).
 */
export function queryCredentials(baseURL: string): string[] {
  const found = new Set<string>();
  // Both as written and decoded: a client's error may quote either (`+` for a space, `%2b`).
  for (const pair of new URL(baseURL).search.slice(1).split('&')) {
    const [rawName = '', rawValue = ''] = pair.split(/=(.*)/s);
    if (rawValue === '' || !credentialParameter.test(decoded(rawName))) continue;
    found.add(rawValue);
    found.add(decoded(rawValue));
  }
  return [...found];
}

/** A query component decoded as a form would (`+` a space), or as written when malformed. */
function decoded(component: string): string {
  try {
    return decodeURIComponent(component.replaceAll('+', ' '));
  } catch {
    return component;
  }
}
