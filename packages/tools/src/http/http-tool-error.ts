import { AgentchartError } from '@agentchart/core';

/** Why {@link httpTool} refused a request or could not complete it. */
export type HttpToolErrorCode =
  | 'http.invalid_url'
  | 'http.scheme_refused'
  | 'http.credentials_in_url'
  | 'http.host_not_allowed'
  | 'http.address_refused'
  | 'http.resolve_failed'
  | 'http.method_not_allowed'
  | 'http.body_not_allowed'
  | 'http.body_too_large'
  | 'http.too_many_redirects'
  | 'http.request_failed';

/**
 * A refused or failed HTTP call. The harness reports it as `tool.failed` with this message,
 * which says what was refused and why, so the model can correct the call; `code` is for code
 * that routes on it. Refusals happen before any connection is opened. A call that runs past
 * its timeout is not one of these: it fails with `RunError` `tool.timeout`, as every tool does.
 */
export class HttpToolError extends AgentchartError<HttpToolErrorCode> {
  /** The URL the refusal or failure is about (after redirects, the hop that failed). */
  readonly url: string;

  constructor(code: HttpToolErrorCode, url: string, message: string, cause?: unknown) {
    super(code, { message, cause });
    this.url = url;
  }
}
