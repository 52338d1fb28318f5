import type { ChatMessage, ChatRequest } from '@agentchart/core';
import {
  type ChatCompletionRequestBody,
  replies,
  type ScriptedReply,
} from '@agentchart/openai/testing';
import { demoAnswer } from '../src/demo-model';

/**
 * The demo model's answer to an OpenAI chat completions request: the request is read back
 * into agentchart's shape and answered by the same function as the embedded model, so the
 * demo runs through the real OpenAI client against a local server.
 */
export function demoReply(body: ChatCompletionRequestBody): ScriptedReply {
  const format = body.response_format;
  const request: ChatRequest = {
    messages: body.messages.map((message) => toChatMessage(message)),
    ...(format?.type === 'json_schema'
      ? {
          responseFormat: {
            type: 'json_schema',
            name: format.json_schema.name,
            schema: format.json_schema.schema,
          },
        }
      : {}),
  };
  const answer = demoAnswer(request);
  if (typeof answer === 'string') return replies.text(answer);
  if (answer.toolCalls) {
    return replies.toolCalls(
      answer.toolCalls.map((call) => ({
        name: call.name,
        arguments:
          typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      })),
    );
  }
  if (answer.json !== undefined) return replies.json(answer.json);
  return replies.text(answer.content ?? '');
}

function toChatMessage(message: ChatCompletionRequestBody['messages'][number]): ChatMessage {
  const content =
    typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '');
  if (message.role === 'tool') {
    return {
      role: 'tool',
      toolCallId: message.tool_call_id ?? '',
      name: message.name ?? '',
      content,
    };
  }
  if (message.role === 'system' || message.role === 'assistant')
    return { role: message.role, content };
  return { role: 'user', content };
}
