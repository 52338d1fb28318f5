import {
  type ChatMessage,
  type ChatRequest,
  ModelCallError,
  type ResponseFormat,
} from '@agentchart/core';
import type { ScriptedHandler } from '@agentchart/core/testing';
import { replies } from './replies';
import type { ChatCompletionRequestBody, ReplyHandler, ScriptedReply } from './types';

/**
 * Serves a scripted model's handler (`scriptedModel({ handler })` from
 * `@agentchart/core/testing`) over the test server: each request body is read back into the
 * provider-neutral request the handler expects, and its answer sent as OpenAI would send it.
 * An example's offline model then also answers the real client, as with `OPENAI_BASE_URL`.
 *
 * @example
 * ```ts
 * const server = createOpenAITestServer({ handler: scriptedReplyHandler(demoAnswer) });
 * ```
 */
export function scriptedReplyHandler(handler: ScriptedHandler): ReplyHandler {
  let index = 0;
  return ({ body }) => {
    const answer = handler(requestOf(body), index++);
    if (typeof answer === 'string') return replies.text(answer);
    if (answer.error !== undefined) return errorReply(answer.error);
    if (answer.refusal !== undefined) return replies.refusal(answer.refusal);
    const content = answer.json === undefined ? answer.content : JSON.stringify(answer.json);
    if (answer.finishReason === 'length') return replies.truncatedByLength(content ?? '');
    if (answer.toolCalls?.length) {
      return replies.toolCalls(
        answer.toolCalls.map((call) => ({
          ...(call.id ? { id: call.id } : {}),
          name: call.name,
          arguments: call.arguments as string | object,
        })),
        content ? { content } : {},
      );
    }
    return replies.text(content ?? '');
  };
}

function requestOf(body: ChatCompletionRequestBody | undefined): ChatRequest {
  // OpenAI's tool messages carry only the call's id; the tool's name is on the call.
  const toolNames = new Map<string, string>();
  for (const message of body?.messages ?? []) {
    for (const call of message.tool_calls ?? []) toolNames.set(call.id, call.function.name);
  }
  const messages: ChatMessage[] = (body?.messages ?? []).map((message) => {
    const content = typeof message.content === 'string' ? message.content : '';
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content };
      case 'assistant':
        return {
          role: 'assistant',
          content,
          ...(message.tool_calls?.length
            ? {
                toolCalls: message.tool_calls.map((call) => ({
                  id: call.id,
                  name: call.function.name,
                  arguments: call.function.arguments,
                })),
              }
            : {}),
        };
      case 'tool':
        return {
          role: 'tool',
          toolCallId: message.tool_call_id ?? '',
          name: message.name ?? toolNames.get(message.tool_call_id ?? '') ?? '',
          content,
        };
      default:
        return { role: 'user', content };
    }
  });
  const format = body?.response_format;
  const responseFormat: ResponseFormat | undefined =
    format?.type === 'json_schema'
      ? { type: 'json_schema', name: format.json_schema.name, schema: format.json_schema.schema }
      : format;
  return {
    messages,
    ...(body?.tools
      ? {
          tools: body.tools.map((tool) => ({
            name: tool.function.name,
            description: tool.function.description ?? '',
            parameters: (tool.function.parameters ?? {}) as Record<string, unknown>,
          })),
        }
      : {}),
    ...(responseFormat ? { responseFormat } : {}),
    ...(typeof body?.temperature === 'number' ? { temperature: body.temperature } : {}),
  };
}

function errorReply(error: unknown): ScriptedReply {
  if (ModelCallError.isInstance(error) && (error as ModelCallError).kind === 'rate_limited') {
    return replies.rateLimited();
  }
  return replies.serverError(500);
}
