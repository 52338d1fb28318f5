import type { ChatMessage, ResponseFormat } from '@agentchart/core';
import { isStrictCompatible, toStrictJsonSchema } from './strict-json-schema';

/**
 * How structured output is asked for.
 * - `json_schema`: the provider's native `response_format: json_schema`, for OpenAI and
 *   servers that honour it; strict unless the request says otherwise or the schema's shape
 *   does not allow it.
 * - `json_mode`: `response_format: json_object`, with the schema given in the system prompt;
 *   for servers without json_schema. The harness validates the answer either way.
 */
export type StructuredOutputMode = 'json_schema' | 'json_mode';

/** The OpenAI `response_format` request field. */
export type OpenAIResponseFormat =
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema: Record<string, unknown>; strict: boolean };
    };

/** What a request becomes: its response format, and its messages with any added instruction. */
export interface StructuredOutputRequest {
  responseFormat: OpenAIResponseFormat | undefined;
  messages: ChatMessage[];
}

const mentionsJson = (messages: readonly ChatMessage[]) =>
  messages.some((message) => /json/i.test(message.content));

/**
 * Adds a system instruction to the first system message (or as a new first one): local
 * servers' chat templates often reject a system message anywhere but first.
 */
function withInstruction(messages: readonly ChatMessage[], instruction: string): ChatMessage[] {
  const first = messages[0];
  if (first?.role === 'system') {
    return [
      { role: 'system', content: `${first.content}\n\n${instruction}` },
      ...messages.slice(1),
    ];
  }
  return [{ role: 'system', content: instruction }, ...messages];
}

// A structured call sends one frozen schema on every request: decide and rewrite it once.
const strictForms = new WeakMap<object, { rewritten: Record<string, unknown>; fits: boolean }>();

/**
 * The schema to send and whether to ask for strict adherence: the form strict mode takes
 * ({@link toStrictJsonSchema}) when the request asks for strictness or, unasked, when that
 * form qualifies; otherwise the schema as given, as a hint the harness still validates
 * against.
 */
function strictFormOf(
  schema: Record<string, unknown>,
  asked: boolean | undefined,
): { schema: Record<string, unknown>; strict: boolean } {
  if (asked === false) return { schema, strict: false };
  let form = strictForms.get(schema);
  if (!form) {
    const rewritten = toStrictJsonSchema(schema);
    form = { rewritten, fits: isStrictCompatible(rewritten) };
    strictForms.set(schema, form);
  }
  if (asked === true || form.fits) return { schema: form.rewritten, strict: true };
  return { schema, strict: false };
}

/** Maps core's {@link ResponseFormat} onto OpenAI's `response_format` in the given mode. */
export function toOpenAIResponseFormat(
  format: ResponseFormat | undefined,
  messages: readonly ChatMessage[],
  mode: StructuredOutputMode,
): StructuredOutputRequest {
  if (!format || format.type === 'text')
    return { responseFormat: undefined, messages: [...messages] };
  if (format.type === 'json_schema' && mode === 'json_schema') {
    const { schema, strict } = strictFormOf(format.schema, format.strict);
    return {
      responseFormat: { type: 'json_schema', json_schema: { name: format.name, schema, strict } },
      messages: [...messages],
    };
  }
  if (format.type === 'json_schema') {
    const instruction = `Reply with one JSON object, and nothing else, that conforms to this JSON Schema:\n${JSON.stringify(format.schema)}`;
    return {
      responseFormat: { type: 'json_object' },
      messages: withInstruction(messages, instruction),
    };
  }
  // OpenAI rejects json_object unless a message says "JSON".
  return {
    responseFormat: { type: 'json_object' },
    messages: mentionsJson(messages)
      ? [...messages]
      : withInstruction(messages, 'Reply with one JSON object, and nothing else.'),
  };
}
