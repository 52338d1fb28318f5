import type { ChatRequest, ModelErrorKind } from '@agentchart/core';
import { replies } from '../testing/replies';
import type { ScriptedReply } from '../testing/types';
import type { describeOutcome } from './measure-call';

/** A plain question. */
export const hello: ChatRequest = { messages: [{ role: 'user', content: 'Hello' }] };
/** A question offering one tool. */
export const weather: ChatRequest = {
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  tools: [
    {
      name: 'get_weather',
      description: 'Current weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
};
/** The answer to a retry. */
export const recovered = replies.text('Recovered answer.');
const nextWholeSecond = (at: number) => Math.ceil(at / 1000) * 1000;

/** One fault of issue 3, what the server does, and what the policy must make of it. */
export interface FaultCase {
  /** The row label in docs/reliability.md. */
  fault: string;
  /** The reply to the first request, given when it arrives (`receivedAt`, server clock). */
  reply: (receivedAt: number) => ScriptedReply;
  /** The reply to the retry, for faults the policy retries. */
  retryReply?: ScriptedReply;
  /** The wait the server asked for, from when it received the first request. */
  hintMs?: (receivedAt: number) => number;
  streaming?: boolean;
  request?: ChatRequest;
  apiKey?: string;
  /** What the first attempt's failure is typed as, for faults that fail it. */
  failedAs?: ModelErrorKind;
  /** Requests the server must see: the attempts that reached it. */
  requests: number;
  /** The typed outcome, as {@link describeOutcome} words it. */
  outcome: string;
}

const retried = (
  fault: string,
  reply: FaultCase['reply'],
  failedAs: ModelErrorKind,
  extra: Partial<FaultCase> = {},
): FaultCase => ({
  fault,
  reply,
  retryReply: recovered,
  failedAs,
  requests: 2,
  outcome: 'response (finish stop)',
  ...extra,
});

const fatal = (
  fault: string,
  reply: () => ScriptedReply,
  kind: ModelErrorKind,
  extra: Partial<FaultCase> = {},
): FaultCase => ({
  fault,
  reply,
  failedAs: kind,
  requests: 1,
  outcome: `ModelCallError ${kind}`,
  ...extra,
});

/**
 * Every fault issue 3 names, scripted on the first request. A retried fault gets a plain answer
 * on the retry; the others must not be retried at all.
 */
export const faultCases: FaultCase[] = [
  retried(
    '429 `retry-after-ms: 600`',
    () => replies.rateLimited({ retryAfterMs: 600 }),
    'rate_limited',
    { hintMs: () => 600 },
  ),
  retried(
    '429 `Retry-After: 1` (seconds)',
    () => replies.rateLimited({ retryAfterSeconds: 1 }),
    'rate_limited',
    { hintMs: () => 1_000 },
  ),
  // An HTTP date has whole seconds: the next whole second at least 500 ms away.
  retried(
    '429 `Retry-After: <HTTP date>`',
    (at) => replies.rateLimited({ retryAfterDate: new Date(nextWholeSecond(at + 500)) }),
    'rate_limited',
    { hintMs: (at) => nextWholeSecond(at + 500) - at },
  ),
  {
    fault: '429 `Retry-After: 30` (over maxRetryAfterMs 2 000)',
    reply: () => replies.rateLimited({ retryAfterSeconds: 30 }),
    failedAs: 'rate_limited',
    requests: 1,
    outcome: 'ModelCallError retry_hint_too_long',
  },
  retried('500', () => replies.serverError(500), 'server_error'),
  retried('502 (HTML body from a gateway)', () => replies.serverError(502), 'server_error'),
  retried('503', () => replies.serverError(503), 'server_error'),
  retried('connection reset (TCP RST)', () => replies.connectionReset(), 'connection'),
  retried('stalled headers (attemptTimeoutMs 300)', () => replies.stall(), 'timeout'),
  retried(
    'stream cut mid-way',
    () => replies.cutMidway(replies.text('This answer is cut off mid-way'), 3),
    'connection',
    { streaming: true },
  ),
  retried('malformed JSON body', () => replies.malformed(), 'malformed_response'),
  {
    fault: 'invalid tool arguments',
    reply: () => replies.toolCalls([{ name: 'get_weather', arguments: '{"city": Par' }]),
    request: weather,
    requests: 1,
    outcome: 'response (finish tool_calls)',
  },
  {
    fault: 'refusal',
    reply: () => replies.refusal('I cannot help with that request.'),
    requests: 1,
    outcome: 'response (finish refusal)',
  },
  {
    fault: '`finish_reason: length`',
    reply: () => replies.truncatedByLength('The answer is'),
    requests: 1,
    outcome: 'response (finish length)',
  },
  fatal('400 `context_length_exceeded`', () => replies.contextLengthExceeded(), 'context_length'),
  // The server's own check: a key it does not know gets OpenAI's 401.
  fatal('401 (wrong API key)', () => recovered, 'authentication', { apiKey: 'sk-wrong' }),
  fatal('429 `insufficient_quota`', () => replies.insufficientQuota(), 'quota_exhausted'),
];
