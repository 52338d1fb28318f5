import { HttpToolError } from './http-tool-error';
import { type RequestTarget, resolveTarget, type TargetPolicy } from './resolve-target';
import { type HopResponse, sendRequest } from './send-request';

/** A request as the tool makes it, before its first hop. */
export interface FollowRequest {
  url: string;
  method: string;
  /** Headers the model set: kept on every hop. */
  headers: Record<string, string>;
  /** Headers the tool is configured with: dropped once a redirect leaves their origin. */
  privateHeaders: Record<string, string>;
  body: Buffer | undefined;
  policy: TargetPolicy;
  maxRedirects: number;
  maxResponseBytes: number;
  signal: AbortSignal;
}

/** The final response and the URLs of the hops that led to it. */
export interface FollowResult {
  response: HopResponse;
  url: string;
  redirects: string[];
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Sends a request and follows its redirects itself, at most `maxRedirects` of them: each
 * `Location` is checked exactly like the first URL (scheme, allowlist, resolved address)
 * before anything connects to it. As browsers do, 303 (and 301/302 after a POST) continue
 * as GET without a body; 307 and 308 repeat the method and body.
 */
export async function followRedirects(request: FollowRequest): Promise<FollowResult> {
  const { policy, signal, privateHeaders } = request;
  let target: RequestTarget = await resolveTarget(request.url, policy, signal);
  const origin = target.url.origin;
  let { method, body } = request;
  const redirects: string[] = [];
  let stayedOnOrigin = true;
  for (;;) {
    // Once a redirect has left the origin, configured credentials are not sent again.
    stayedOnOrigin &&= target.url.origin === origin;
    const sameOrigin = stayedOnOrigin;
    const response = await sendRequest({
      target,
      method,
      headers: { ...request.headers, ...(sameOrigin ? privateHeaders : {}) },
      body,
      maxResponseBytes: request.maxResponseBytes,
      signal,
    });
    const location = response.headers.location;
    if (!redirectStatuses.has(response.status) || !location) {
      return { response, url: target.url.href, redirects };
    }
    if (redirects.length >= request.maxRedirects) {
      throw new HttpToolError(
        'http.too_many_redirects',
        target.url.href,
        `${request.url} redirected more than ${request.maxRedirects} times (last to ${location}); the chain was not followed further.`,
      );
    }
    let next: URL;
    try {
      next = new URL(location, target.url);
    } catch {
      throw new HttpToolError(
        'http.invalid_url',
        target.url.href,
        `${target.url.href} redirected to ${JSON.stringify(location)}, which is not a URL.`,
      );
    }
    redirects.push(next.href);
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
    }
    target = await resolveTarget(next, policy, signal);
  }
}
