import assert from 'node:assert/strict';
import { AgentchartError } from '../../errors/agentchart-error';
import type { ModelCallError, ModelErrorKind } from '../../model/model-call-error';
import type { ChatModel } from '../../model/types';
import type { ConformanceCase } from '../conformance/context';
import { type AdapterCaseContext, type CaseGenerate, eventually } from './context';
import type { ProviderFault, ProviderReply } from './provider-reply';

/** What `generate` rejected with, as the ModelCallError the policy needs. */
async function rejection(
  generate: CaseGenerate,
  model: ChatModel,
  options: Parameters<CaseGenerate>[0],
  expected: ModelErrorKind,
): Promise<ModelCallError> {
  let thrown: unknown;
  try {
    const response = await generate(options);
    assert.fail(
      `generate resolved (finish reason ${response.finishReason}) where it should throw a ModelCallError of kind ${expected}`,
    );
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    thrown = error;
  }
  // Instance checks fail across two copies of the package; the code and kind do not.
  const typed =
    AgentchartError.isInstance(thrown) &&
    thrown.code.startsWith('model.') &&
    typeof (thrown as Partial<ModelCallError>).kind === 'string';
  assert.ok(
    typed,
    `generate threw ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}, not a ModelCallError: the policy takes it for kind unknown and never retries it. Throw new ModelCallError({ kind: '${expected}', endpoint, status, message }) from @agentchart/core.`,
  );
  const error = thrown as ModelCallError;
  assert.equal(
    error.kind,
    expected,
    `kind: expected ${expected}, got ${error.kind} (${error.message})`,
  );
  assert.equal(error.endpoint, model.endpoint, 'endpoint: the model endpoint that failed');
  return error;
}

/** The kind of `ModelCallError` each provider fault must become. */
export const faultKinds: Record<ProviderFault, ModelErrorKind> = {
  rate_limited: 'rate_limited',
  quota_exhausted: 'quota_exhausted',
  server_error: 'server_error',
  overloaded: 'server_error',
  bad_request: 'bad_request',
  context_length: 'context_length',
  authentication: 'authentication',
  permission: 'permission',
  not_found: 'not_found',
};

/** An HTTP error of `fault`: its kind, its status, and no retry hint it was not given. */
function faultCase({ withModel }: AdapterCaseContext, fault: ProviderFault): ConformanceCase {
  const kind = faultKinds[fault];
  return {
    name: `error: ${fault} is a ModelCallError of kind ${kind} with its status`,
    run: () =>
      withModel({ kind: 'error', fault }, async (generate, model) => {
        const error = await rejection(generate, model, {}, kind);
        assert.equal(typeof error.status, 'number', 'status: the HTTP status the server sent');
        assert.equal(
          error.retryAfterMs,
          undefined,
          'retryAfterMs: only from a hint the server sent',
        );
      }),
  };
}

/** Errors: each HTTP fault, retry hints, and what can go wrong on the wire; aborts. */
export function failureCases(context: AdapterCaseContext): ConformanceCase[] {
  const { withModel, has } = context;
  const cases: ConformanceCase[] = [
    {
      name: 'error: rate_limited with a retry hint carries it as retryAfterMs',
      run: () =>
        withModel(
          { kind: 'error', fault: 'rate_limited', retryAfterSeconds: 2 },
          async (generate, model) => {
            const error = await rejection(generate, model, {}, 'rate_limited');
            assert.equal(
              error.retryAfterMs,
              2_000,
              'retryAfterMs: the hint in milliseconds (parseRetryAfter from @agentchart/core/internal reads it from the headers)',
            );
          },
        ),
    },
    ...(Object.keys(faultKinds) as ProviderFault[]).map((fault) => faultCase(context, fault)),
    {
      name: 'wire: a connection reset before the answer is kind connection',
      run: () =>
        withModel({ kind: 'reset' }, (generate, model) =>
          rejection(generate, model, {}, 'connection').then(() => undefined),
        ),
    },
    {
      name: 'wire: a 200 whose body does not parse is kind malformed_response',
      run: () =>
        withModel({ kind: 'malformed' }, (generate, model) =>
          rejection(generate, model, {}, 'malformed_response').then(() => undefined),
        ),
    },
    {
      name: 'abort: an aborted signal ends the call and closes its request',
      run: () => withModel({ kind: 'stall' }, (generate) => abortStalled(generate, context)),
    },
  ];
  if (has('streaming')) {
    const cut: ProviderReply = { kind: 'cut_stream' };
    cases.push({
      name: 'wire: a stream cut before its end is kind connection, not a shorter answer',
      run: () =>
        withModel(cut, (generate, model) =>
          rejection(generate, model, { onToken: () => {} }, 'connection').then(() => undefined),
        ),
    });
  }
  return cases;
}

/**
 * A request the server never answers, aborted: `generate` must settle, and (when the suite
 * can count the server's open requests) its connection must close, or every stopped run and
 * timed-out attempt would leave a socket open and the provider generating.
 */
async function abortStalled(
  generate: CaseGenerate,
  { openRequests, waitMs }: AdapterCaseContext,
): Promise<void> {
  const controller = new AbortController();
  const settled = generate({ signal: controller.signal }).then(
    () => 'resolved',
    () => 'rejected',
  );
  if (openRequests) {
    assert.ok(
      await eventually(() => openRequests() > 0, waitMs),
      'the request never reached the test server',
    );
  } else {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  controller.abort(new Error('the conformance suite aborted the call'));
  assert.equal(
    await settled,
    'rejected',
    'generate must reject when its signal aborts (what it throws does not matter)',
  );
  if (openRequests) {
    assert.ok(
      await eventually(() => openRequests() === 0, waitMs),
      'the request stayed open after the signal aborted: hand the signal to your HTTP client (fetch(url, { signal }))',
    );
  }
}
