import { ModelCallError } from '@agentchart/core';
import { summariseErrorText } from './summarise-error-text';

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

/** A successful (2xx) response the client failed on, as it came over the wire. */
export interface ReceivedCompletion {
  status: number;
  contentType: string;
  body: string;
}

/**
 * Why a 2xx response holds no answer, as a typed error; `undefined` when it does hold one.
 * ChatOpenAI reads `choices[0].message` without looking: an HTML page, a body without
 * `choices` or a gateway's `{ "error": ... }` sent with status 200 (OpenRouter and some
 * proxies do) would otherwise end as an `unknown` error ("Cannot read properties of
 * undefined"), never retried, or pass as an empty answer.
 */
export function unusableCompletionError(
  received: ReceivedCompletion,
  endpoint: string,
): ModelCallError | undefined {
  const fail = (kind: 'malformed_response' | 'server_error', detail: string, advice: string) =>
    new ModelCallError({
      kind,
      endpoint,
      message: `Model call to ${endpoint} failed (${kind}): it answered ${received.status} with ${detail}. ${advice}`,
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(received.body);
  } catch {
    const what = received.contentType.split(';')[0]?.trim() || 'no content type';
    const summary = summariseErrorText(received.body, 200);
    // An HTML page's summary already says it is a page, not the API's JSON.
    const detail = /\(an HTML page of/.test(summary)
      ? summary
      : `a body that is not JSON (${what}): ${summary ? `"${summary}"` : 'empty'}`;
    return fail(
      'malformed_response',
      detail,
      "Check that the base URL is the API's (it usually ends in /v1); the call can be retried.",
    );
  }
  const completion = asRecord(parsed);
  const error =
    asRecord(completion?.error) ??
    (typeof completion?.error === 'string' ? { message: completion.error } : undefined);
  if (error) {
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
    return fail(
      'server_error',
      `an error instead of an answer: ${summariseErrorText(message)}`,
      'The provider failed; the call can be retried.',
    );
  }
  const choices = completion?.choices;
  const first = Array.isArray(choices) ? asRecord(choices[0]) : undefined;
  if (asRecord(first?.message)) return undefined;
  const missing = !Array.isArray(choices)
    ? 'no choices'
    : choices.length === 0
      ? 'an empty choices list'
      : 'a choice without a message';
  return fail(
    'malformed_response',
    `${missing}, so no answer`,
    'The endpoint is not fully OpenAI-compatible, or failed; the call can be retried.',
  );
}
