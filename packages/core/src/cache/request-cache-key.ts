import { createHash } from 'node:crypto';
import type { ChatMessage, ChatRequest } from '../model/types';
import { canonicalJson } from './canonical-json';

/**
 * The exact-cache key of a request to a model: sha256 of the canonical JSON of the model and
 * the normalised request — messages, tools, response format (its schema included),
 * temperature and output limit. Normalised means: keys sorted, absent options left out, and
 * tool call ids renumbered by order of appearance (`call_0`, `call_1` …), since providers
 * make them up anew on every call and they change nothing the model sees as meaning.
 *
 * `model` should name the endpoint as well as the model (`ChatModel.endpoint`): the same
 * model name on two servers is two models. `partition` (a tenant) keeps entries apart: a
 * request is answered only from entries stored under the same partition.
 */
export function requestCacheKey(model: string, request: ChatRequest, partition?: string): string {
  const normalised = {
    model,
    // Left out when absent, so keys made before partitions existed still match.
    partition,
    messages: renumberToolCalls(request.messages),
    tools: request.tools,
    responseFormat: request.responseFormat,
    temperature: request.temperature,
    maxOutputTokens: request.maxOutputTokens,
  };
  return createHash('sha256').update(canonicalJson(normalised)).digest('hex');
}

function renumberToolCalls(messages: readonly ChatMessage[]): ChatMessage[] {
  const ids = new Map<string, string>();
  const idOf = (id: string) => {
    let normal = ids.get(id);
    if (normal === undefined) {
      normal = `call_${ids.size}`;
      ids.set(id, normal);
    }
    return normal;
  };
  return messages.map((message) => {
    if (message.role === 'assistant' && message.toolCalls) {
      return {
        ...message,
        toolCalls: message.toolCalls.map((call) => ({ ...call, id: idOf(call.id) })),
      };
    }
    if (message.role === 'tool') return { ...message, toolCallId: idOf(message.toolCallId) };
    return message;
  });
}
