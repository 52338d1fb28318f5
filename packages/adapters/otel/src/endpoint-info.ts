/** What a model's endpoint string tells about where a call goes. */
export interface EndpointInfo {
  /** `gen_ai.provider.name`: the endpoint's scheme, e.g. `openai`. */
  provider: string;
  /** `server.address`, when the endpoint names a URL. */
  address?: string;
  /** `server.port`, when the endpoint names a URL. */
  port?: number;
}

const defaultPorts: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Reads an agentchart endpoint identity (`<provider>:<base URL>:<model>`, as the OpenAI
 * adapter writes it, or `<provider>:<model>`) as the GenAI conventions' provider name and
 * server address. The provider is the instrumentation's best knowledge, as the conventions
 * allow: an OpenAI-compatible server (Ollama, vLLM) reports `openai`.
 */
export function endpointInfo(endpoint: string, model: string): EndpointInfo {
  const colon = endpoint.indexOf(':');
  const scheme = colon > 0 ? endpoint.slice(0, colon) : endpoint;
  const provider = /^[a-z][\w.-]*$/i.test(scheme) ? scheme.toLowerCase() : '_OTHER';
  let rest = colon > 0 ? endpoint.slice(colon + 1) : '';
  if (rest.endsWith(`:${model}`)) rest = rest.slice(0, -(model.length + 1));
  if (!/^https?:\/\//.test(rest)) return { provider };
  try {
    const url = new URL(rest);
    const port = url.port ? Number(url.port) : defaultPorts[url.protocol];
    return { provider, address: url.hostname, ...(port === undefined ? {} : { port }) };
  } catch {
    return { provider };
  }
}
