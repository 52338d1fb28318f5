import type { ChatCompletionRequestBody, MessageReply, ScriptedFinishReason } from './types';

/** Identity of one response: the same id and timestamp across all its stream chunks. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
  /** Prefix for generated tool-call ids. */
  callIdPrefix: string;
}

const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function finishReasonOf(reply: MessageReply): ScriptedFinishReason {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
}

/** The `usage` object OpenAI sends, with the detail fields its clients read. */
export function usageOf(reply: MessageReply, request: ChatCompletionRequestBody | undefined) {
  const output = `${reply.content ?? ''}${reply.refusal ?? ''}${(reply.toolCalls ?? []).map((call) => call.name + call.arguments).join('')}`;
  const inputTokens =
    reply.usage?.inputTokens ?? estimateTokens(JSON.stringify(request?.messages ?? []));
  const outputTokens = reply.usage?.outputTokens ?? estimateTokens(output);
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: reply.usage?.cachedInputTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function toolCallsOf(reply: MessageReply, identity: CompletionIdentity) {
  return (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `${identity.callIdPrefix}_${index}`,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }));
}

/** A non-streaming `chat.completion` body. */
export function completionBody(
  reply: MessageReply,
  request: ChatCompletionRequestBody | undefined,
  identity: CompletionIdentity,
) {
  const toolCalls = toolCallsOf(reply, identity);
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI sends null content beside a refusal or tool calls, never an empty string.
          content: reply.content ?? null,
          refusal: reply.refusal ?? null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          annotations: [],
        },
        logprobs: null,
        finish_reason: finishReasonOf(reply),
      },
    ],
    ...(reply.omitUsage ? {} : { usage: usageOf(reply, request) }),
    service_tier: 'default',
    system_fingerprint: 'fp_agentchart_test',
  };
}

const splitWords = (text: string) => text.match(/\s*\S+\s*/g) ?? [text];
const splitEvery = (text: string, size: number) => {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size)
    pieces.push(text.slice(start, start + size));
  return pieces.length > 0 ? pieces : [''];
};

/**
 * The `chat.completion.chunk` objects of a streamed answer, in the order OpenAI sends them:
 * a role chunk, content or refusal deltas, tool-call deltas (name first, then argument
 * pieces), a finish chunk, and a usage chunk with no choices when `include_usage` is asked.
 */
export function completionChunks(
  reply: MessageReply,
  request: ChatCompletionRequestBody | undefined,
  identity: CompletionIdentity,
) {
  const includeUsage = request?.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], usage: unknown = null) => ({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    service_tier: 'default',
    system_fingerprint: 'fp_agentchart_test',
    choices,
    // OpenAI sends `usage: null` on every chunk once usage is asked for.
    ...(includeUsage ? { usage } : {}),
  });
  const delta = (fields: Record<string, unknown>, finishReason: string | null = null) => ({
    index: 0,
    delta: fields,
    logprobs: null,
    finish_reason: finishReason,
  });

  const chunks = [chunk([delta({ role: 'assistant', content: '', refusal: null })])];
  if (reply.content !== undefined) {
    for (const piece of reply.chunks ?? splitWords(reply.content)) {
      chunks.push(chunk([delta({ content: piece })]));
    }
  }
  if (reply.refusal !== undefined) {
    for (const piece of splitWords(reply.refusal)) chunks.push(chunk([delta({ refusal: piece })]));
  }
  toolCallsOf(reply, identity).forEach((call, index) => {
    chunks.push(
      chunk([
        delta({
          tool_calls: [
            {
              index,
              id: call.id,
              type: 'function',
              function: { name: call.function.name, arguments: '' },
            },
          ],
        }),
      ]),
    );
    for (const piece of splitEvery(call.function.arguments, 8)) {
      chunks.push(chunk([delta({ tool_calls: [{ index, function: { arguments: piece } }] })]));
    }
  });
  chunks.push(chunk([delta({}, finishReasonOf(reply))]));
  if (includeUsage && !reply.omitUsage) chunks.push(chunk([], usageOf(reply, request)));
  return chunks;
}
