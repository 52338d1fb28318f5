import { describeValue } from '../errors/option-names';
import { ModelCallError } from './model-call-error';
import type { ChatResponse, FinishReason } from './types';

const finishReasons: ReadonlySet<string> = new Set<FinishReason>([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'refusal',
]);

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

const isTokenCount = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Why `response` is not a {@link ChatResponse}, or undefined when it is one. */
function shapeProblem(response: unknown): string | undefined {
  const answer = asRecord(response);
  if (!answer) return `it returned ${describeValue(response)} instead of an answer object`;
  if (typeof answer.content !== 'string') {
    return `its content is ${describeValue(answer.content)}; give '' when the model only called tools`;
  }
  if (!Array.isArray(answer.toolCalls)) {
    return `its toolCalls is ${describeValue(answer.toolCalls)}; give [] when the model called none`;
  }
  for (const [index, call] of answer.toolCalls.entries()) {
    const fields = asRecord(call);
    if (!fields || typeof fields.id !== 'string' || typeof fields.name !== 'string') {
      return `toolCalls[${index}] has no string id and name`;
    }
    if (typeof fields.arguments !== 'string') {
      return `toolCalls[${index}].arguments is ${describeValue(fields.arguments)}; give the JSON text the model wrote (JSON.stringify an object the provider parsed)`;
    }
  }
  const usage = asRecord(answer.usage);
  if (!usage) {
    return `its usage is ${describeValue(answer.usage)}; give { inputTokens: 0, outputTokens: 0 } when the provider reports none`;
  }
  for (const field of ['inputTokens', 'outputTokens', 'cachedInputTokens'] as const) {
    if (field === 'cachedInputTokens' && usage[field] === undefined) continue;
    if (!isTokenCount(usage[field])) {
      return `its usage.${field} is ${describeValue(usage[field])}, not a count of tokens`;
    }
  }
  if (typeof answer.finishReason !== 'string' || !finishReasons.has(answer.finishReason)) {
    return `its finishReason is ${describeValue(answer.finishReason)}, not one of ${[...finishReasons].join(', ')}; map the provider's stop reason onto these (an answer cut off at its output limit is 'length')`;
  }
  if (answer.refusal !== undefined && typeof answer.refusal !== 'string') {
    return `its refusal is ${describeValue(answer.refusal)}, not text`;
  }
  return undefined;
}

/**
 * Checks what an adapter's `generate` resolved with before the harness reads it, so an
 * adapter's mistake fails the call with a `ModelCallError` that names it rather than a
 * TypeError deep in the harness, a usage of NaN that no cost limit can trip on, or an
 * unmapped stop reason (`'max_tokens'`) whose cut-off text a tool loop takes for its final
 * answer. Such a mistake is kind `unknown`: the adapter's bug, not retried.
 *
 * An answer whose finish reason says it called tools but that holds none is kind
 * `malformed_response` (retried): the calls were lost between the provider and the adapter,
 * and the text left over would read as the final answer.
 *
 * @throws ModelCallError `model.unknown` for an answer that is not a ChatResponse,
 * `model.malformed_response` for `finishReason: 'tool_calls'` without tool calls.
 */
export function checkChatResponse(response: unknown, endpoint: string): ChatResponse {
  const problem = shapeProblem(response);
  if (problem !== undefined) {
    throw new ModelCallError({
      kind: 'unknown',
      endpoint,
      message: `The model adapter of ${endpoint} answered with something that is not a ChatResponse: ${problem}. Fix the adapter's generate() (see docs/guides/model-adapters.md); the call is not retried.`,
    });
  }
  const answer = response as ChatResponse;
  if (answer.finishReason === 'tool_calls' && answer.toolCalls.length === 0) {
    throw new ModelCallError({
      kind: 'malformed_response',
      endpoint,
      message: `${endpoint} answered with finish reason tool_calls but no tool calls: they were lost on the way, and the rest of the answer is not the model's final one.`,
    });
  }
  return answer;
}
