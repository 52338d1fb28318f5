import {
  type ChatModel,
  type ChatRequest,
  ModelCallError,
  type ModelCallResult,
} from '@agentchart/core';
import type { ReliabilityEvent, ReliabilityPolicy } from '@agentchart/core/reliability';
import type { OpenAITestServer } from '../testing/openai-test-server';
import type { RecordedRequest } from '../testing/types';

/** One logical call through the policy, as the server and the policy's events saw it. */
export interface MeasuredCall {
  outcome: { ok: true; result: ModelCallResult } | { ok: false; error: ModelCallError };
  /** The requests the server received during the call: the attempts that reached it. */
  requests: RecordedRequest[];
  /** Time between consecutive requests, from the server's `receivedAt`: the waits taken. */
  gapsMs: number[];
  attempts: Array<ReliabilityEvent<'attempt'>>;
  retries: Array<ReliabilityEvent<'retry'>>;
  /** Deltas passed to `onToken`, every attempt's included. */
  tokens: string[];
  /** Wall time of the whole call, on the caller's side. */
  elapsedMs: number;
}

/** Options of {@link measureCall}. */
export interface MeasureCallOptions {
  server: OpenAITestServer;
  policy: ReliabilityPolicy;
  model: ChatModel;
  request: ChatRequest;
  /** Pass `onToken` to the policy (the adapter then streams unless told otherwise). */
  collectTokens?: boolean;
}

/**
 * Makes one logical call through `policy` to a model served by `server` (reset beforehand)
 * and returns what it cost: requests, waits between them, policy events and the typed outcome.
 *
 * @throws the thrown value when the call fails with anything but a ModelCallError.
 */
export async function measureCall({
  server,
  policy,
  model,
  request,
  collectTokens = false,
}: MeasureCallOptions): Promise<MeasuredCall> {
  const attempts: Array<ReliabilityEvent<'attempt'>> = [];
  const retries: Array<ReliabilityEvent<'retry'>> = [];
  const tokens: string[] = [];
  const stopAttempts = policy.on('attempt', (event) => attempts.push(event));
  const stopRetries = policy.on('retry', (event) => retries.push(event));
  const startedAt = Date.now();
  try {
    const outcome = await policy
      .call({
        models: [model],
        request,
        signal: new AbortController().signal,
        onToken: collectTokens ? (delta) => tokens.push(delta) : undefined,
      })
      .then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => {
          if (error instanceof ModelCallError) return { ok: false as const, error };
          throw error;
        },
      );
    const elapsedMs = Date.now() - startedAt;
    const requests = [...server.requests];
    const gapsMs = requests
      .slice(1)
      .map((next, index) => next.receivedAt - (requests[index]?.receivedAt ?? next.receivedAt));
    return { outcome, requests, gapsMs, attempts, retries, tokens, elapsedMs };
  } finally {
    stopAttempts();
    stopRetries();
  }
}

/** The typed outcome in a few words: `response (finish stop)` or `ModelCallError rate_limited`. */
export function describeOutcome(outcome: MeasuredCall['outcome']): string {
  return outcome.ok
    ? `response (finish ${outcome.result.response.finishReason})`
    : `ModelCallError ${outcome.error.kind}`;
}
