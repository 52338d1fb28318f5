import { ModelCallError } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { toModelCallError } from './to-model-call-error';

const endpoint = 'test:endpoint';
const nested = (code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

describe('toModelCallError', () => {
  it('reads the status from error.status, error.statusCode or error.response.status', () => {
    expect(
      toModelCallError(Object.assign(new Error('x'), { status: 401 }), { endpoint }).kind,
    ).toBe('authentication');
    expect(
      toModelCallError(Object.assign(new Error('x'), { statusCode: 403 }), { endpoint }).kind,
    ).toBe('permission');
    expect(
      toModelCallError(Object.assign(new Error('x'), { response: { status: 502, headers: {} } }), {
        endpoint,
      }).kind,
    ).toBe('server_error');
  });

  it('finds network codes along the cause chain', () => {
    expect(toModelCallError(nested('ECONNREFUSED'), { endpoint }).kind).toBe('connection');
    expect(toModelCallError(nested('UND_ERR_HEADERS_TIMEOUT'), { endpoint }).kind).toBe('timeout');
  });

  it('recognizes a context-length 400 by its message when there is no code', () => {
    const error = Object.assign(
      new Error('prompt is too long: maximum context length is 8192 tokens'),
      { status: 400 },
    );
    expect(toModelCallError(error, { endpoint }).kind).toBe('context_length');
  });

  it('lets the caller abort and the attempt timeout win over what the client threw', () => {
    const reset = nested('ECONNRESET');
    expect(toModelCallError(reset, { endpoint, aborted: true }).kind).toBe('aborted');
    const timedOut = toModelCallError(reset, { endpoint, timedOutAfterMs: 200 });
    expect(timedOut.kind).toBe('timeout');
    expect(timedOut.message).toMatch(/200 ms/);
  });

  it('keeps the original error as cause and passes a ModelCallError through', () => {
    const original = new Error('boom');
    const mapped = toModelCallError(original, { endpoint });
    expect(mapped).toMatchObject({ kind: 'unknown', cause: original, endpoint });
    expect(toModelCallError(mapped, { endpoint: 'other' })).toBe(mapped);
    expect(mapped).toBeInstanceOf(ModelCallError);
  });
});
