import type { ChatMessage, ChatResponse, ToolDefinition } from '@agentchart/core';

/** A message part in the GenAI conventions' input/output messages JSON schema. */
type Part =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_call_response'; id: string; response: unknown };

/** A chat message in the conventions' schema. */
interface SemconvMessage {
  role: string;
  parts: Part[];
  name?: string;
  finish_reason?: string;
}

/** The request's messages as `gen_ai.input.messages` (JSON text: span attributes are flat). */
export function inputMessagesJson(messages: readonly ChatMessage[]): string {
  return JSON.stringify(messages.map(toSemconvMessage));
}

/** The answer as `gen_ai.output.messages`: one choice. */
export function outputMessagesJson(response: ChatResponse): string {
  const message: SemconvMessage = {
    ...toSemconvMessage({
      role: 'assistant',
      content: response.refusal ?? response.content,
      toolCalls: response.toolCalls,
    }),
    finish_reason: outputFinishReason(response.finishReason),
  };
  return JSON.stringify([message]);
}

/** The offered tools as `gen_ai.tool.definitions`. */
export function toolDefinitionsJson(tools: readonly ToolDefinition[]): string {
  return JSON.stringify(tools.map((tool) => ({ type: 'function', ...tool })));
}

/** A value as JSON text for `gen_ai.tool.call.arguments` / `.result`. */
export function jsonText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return String(value);
  }
}

function toSemconvMessage(message: ChatMessage): SemconvMessage {
  switch (message.role) {
    case 'tool':
      return {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: message.toolCallId, response: message.content }],
      };
    case 'assistant': {
      const parts: Part[] = message.content ? [{ type: 'text', content: message.content }] : [];
      for (const call of message.toolCalls ?? []) {
        parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: parsed(call) });
      }
      return { role: 'assistant', parts };
    }
    default:
      return { role: message.role, parts: [{ type: 'text', content: message.content }] };
  }
}

/** Arguments as an object where the model wrote valid JSON, as the schema prefers. */
function parsed(call: { arguments: string }): unknown {
  try {
    return JSON.parse(call.arguments);
  } catch {
    return call.arguments;
  }
}

/** The schema's finish reasons: `tool_call` (not `tool_calls`); a refusal is a content filter. */
function outputFinishReason(reason: ChatResponse['finishReason']): string {
  if (reason === 'tool_calls') return 'tool_call';
  if (reason === 'refusal') return 'content_filter';
  return reason;
}
