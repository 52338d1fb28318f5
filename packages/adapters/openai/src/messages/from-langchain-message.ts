import type { ChatResponse, FinishReason, ToolCallRequest, Usage } from '@agentchart/core';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

/** The text of a message whose content is a string or a list of content blocks. */
export function textOf(content: BaseMessage['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((block) => {
      const record = asRecord(block);
      return record?.type === 'text' && typeof record.text === 'string' ? record.text : '';
    })
    .join('');
}

/**
 * Arguments as JSON text. Some OpenAI-compatible servers send them as an object, not the
 * string OpenAI sends; read as text they would be refused as invalid JSON.
 */
function argumentText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

/**
 * Tool calls with the model's raw argument text, in the order the model made them. A
 * streamed answer has them in `tool_call_chunks`; OpenAI's in `additional_kwargs.tool_calls`;
 * other providers only as parsed `tool_calls` (serialized again) and `invalid_tool_calls`.
 */
function toolCallsOf(message: BaseMessage): ToolCallRequest[] {
  const id = (value: unknown, index: number) =>
    typeof value === 'string' && value !== '' ? value : `call_${index}`;

  if (AIMessageChunk.isInstance(message) && message.tool_call_chunks?.length) {
    return [...message.tool_call_chunks]
      .sort((left, right) => (left.index ?? 0) - (right.index ?? 0))
      .map((chunk, index) => ({
        id: id(chunk.id, index),
        name: chunk.name ?? '',
        arguments: chunk.args ?? '',
      }));
  }
  const raw = message.additional_kwargs?.tool_calls;
  if (Array.isArray(raw) && raw.length > 0) {
    return raw.map((call, index) => ({
      id: id(call.id, index),
      name: call.function?.name ?? '',
      arguments: argumentText(call.function?.arguments),
    }));
  }
  const ai = message as { tool_calls?: unknown[]; invalid_tool_calls?: unknown[] };
  const parsed = (ai.tool_calls ?? []).map((call) => asRecord(call) ?? {});
  const invalid = (ai.invalid_tool_calls ?? []).map((call) => asRecord(call) ?? {});
  return [
    ...parsed.map((call, index) => ({
      id: id(call.id, index),
      name: String(call.name ?? ''),
      arguments: JSON.stringify(call.args ?? {}),
    })),
    ...invalid.map((call, index) => ({
      id: id(call.id, parsed.length + index),
      name: String(call.name ?? ''),
      arguments: typeof call.args === 'string' ? call.args : '',
    })),
  ];
}

function usageOf(message: BaseMessage): Usage {
  const usage = (message as { usage_metadata?: Record<string, unknown> }).usage_metadata;
  const details = asRecord(usage?.input_token_details);
  // Counts come from the endpoint: a negative or endless one would lower the run's cost and
  // its token and cost limits, or break their sums. Such a count is no count.
  const count = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
  return {
    inputTokens: count(usage?.input_tokens),
    outputTokens: count(usage?.output_tokens),
    ...(typeof details?.cache_read === 'number'
      ? { cachedInputTokens: count(details.cache_read) }
      : {}),
  };
}

/** Refusal text from OpenAI's raw response, `additional_kwargs.refusal`, or a refusal block. */
function refusalOf(message: BaseMessage): string | undefined {
  const raw = asRecord(message.additional_kwargs?.__raw_response);
  const choice = asRecord((raw?.choices as unknown[] | undefined)?.[0]);
  const fromRaw = asRecord(choice?.message)?.refusal;
  if (typeof fromRaw === 'string' && fromRaw !== '') return fromRaw;
  const fromKwargs = message.additional_kwargs?.refusal;
  if (typeof fromKwargs === 'string' && fromKwargs !== '') return fromKwargs;
  if (Array.isArray(message.content)) {
    for (const block of message.content) {
      const record = asRecord(block);
      if (record?.type === 'refusal' && typeof record.refusal === 'string') return record.refusal;
    }
  }
  return undefined;
}

// Finish reasons as OpenAI, Anthropic and Gemini spell them.
const toolCallReasons = new Set(['tool_calls', 'function_call', 'tool_use']);
const lengthReasons = new Set(['length', 'max_tokens', 'MAX_TOKENS']);
const filterReasons = new Set(['content_filter', 'SAFETY', 'RECITATION', 'PROHIBITED_CONTENT']);

function finishReasonOf(
  message: BaseMessage,
  hasToolCalls: boolean,
  refusal: string | undefined,
): FinishReason {
  const metadata = (message.response_metadata ?? {}) as Record<string, unknown>;
  const reason = metadata.finish_reason ?? metadata.stop_reason ?? metadata.finishReason;
  if (refusal !== undefined || reason === 'refusal') return 'refusal';
  if (typeof reason === 'string' && lengthReasons.has(reason)) return 'length';
  if (typeof reason === 'string' && filterReasons.has(reason)) return 'content_filter';
  // OpenAI answers a forced tool choice with `stop`; what matters is that tools were called.
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/**
 * The finish reason the message ends with when it says the model called tools but it holds
 * none (not even unreadable ones): the calls were lost on the way, and the answer is not the
 * model's. `undefined` for every other message.
 */
export function missingToolCallsReason(message: BaseMessage): string | undefined {
  const metadata = (message.response_metadata ?? {}) as Record<string, unknown>;
  const reason = metadata.finish_reason ?? metadata.stop_reason ?? metadata.finishReason;
  if (typeof reason !== 'string' || !toolCallReasons.has(reason)) return undefined;
  return toolCallsOf(message).length === 0 ? reason : undefined;
}

/**
 * A LangChain AI message (or the aggregate of a stream's chunks) as core's
 * {@link ChatResponse}. `streamedRefusal` carries refusal text a stream delivered in deltas.
 */
export function fromLangChainMessage(message: BaseMessage, streamedRefusal?: string): ChatResponse {
  const toolCalls = toolCallsOf(message);
  const refusal = streamedRefusal || refusalOf(message);
  const metadata = (message.response_metadata ?? {}) as Record<string, unknown>;
  const modelName = metadata.model_name ?? metadata.model;
  return {
    content: textOf(message.content),
    toolCalls,
    usage: usageOf(message),
    finishReason: finishReasonOf(message, toolCalls.length > 0, refusal),
    ...(refusal !== undefined ? { refusal } : {}),
    ...(typeof modelName === 'string' ? { model: modelName } : {}),
  };
}
