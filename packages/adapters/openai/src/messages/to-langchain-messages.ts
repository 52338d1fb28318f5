import type { ChatMessage, ToolCallRequest } from '@agentchart/core';
import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  type InvalidToolCall,
  SystemMessage,
  type ToolCall,
  ToolMessage,
} from '@langchain/core/messages';

/**
 * How earlier tool calls travel back to the provider.
 * - `openai`: the model's argument text verbatim, as OpenAI's wire format carries it. An
 *   invalid call the harness re-asks about is shown to the model exactly as it wrote it,
 *   and the prompt prefix stays byte-identical for the provider's prompt cache.
 * - `langchain`: LangChain's standard fields (parsed `tool_calls`, `invalid_tool_calls`),
 *   which every LangChain provider converts to its own format.
 */
export type ToolCallDialect = 'openai' | 'langchain';

function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function rawToolCallMessage(content: string, calls: ToolCallRequest[]): AIMessage {
  const message = new AIMessage({
    content,
    // Placeholders: AIMessage's constructor warns on the console when raw calls come without
    // parsed ones, so they are set here and cleared below.
    tool_calls: calls.map((call) => ({
      id: call.id,
      name: call.name,
      args: {},
      type: 'tool_call',
    })),
    additional_kwargs: {
      tool_calls: calls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      })),
    },
  });
  // ChatOpenAI re-serializes `tool_calls` when there are any, and sends
  // `additional_kwargs.tool_calls` verbatim otherwise.
  message.tool_calls = [];
  return message;
}

function standardToolCallMessage(content: string, calls: ToolCallRequest[]): AIMessage {
  const toolCalls: ToolCall[] = [];
  const invalidToolCalls: InvalidToolCall[] = [];
  for (const call of calls) {
    const args = parseArguments(call.arguments);
    if (args) {
      toolCalls.push({ id: call.id, name: call.name, args, type: 'tool_call' });
    } else {
      invalidToolCalls.push({
        id: call.id,
        name: call.name,
        args: call.arguments,
        error: 'Arguments are not a JSON object.',
        type: 'invalid_tool_call',
      });
    }
  }
  return new AIMessage({ content, tool_calls: toolCalls, invalid_tool_calls: invalidToolCalls });
}

/** A lone half of a surrogate pair: half a character, which no encoding can write. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `text` with each lone surrogate replaced by U+FFFD, as a UTF-8 encoder would write it. Tool
 * output or a user's text cut inside an emoji carries one; JSON writes it as an escape
 * (`\ud83d`) that strict providers refuse with a 400, and since the conversation keeps it,
 * every later call of the thread would be refused the same way.
 */
export function wellFormedText(text: string): string {
  return text.replace(loneSurrogate, '\uFFFD');
}

function toLangChainMessage(given: ChatMessage, dialect: ToolCallDialect): BaseMessage {
  const message = wellFormedMessage(given);
  switch (message.role) {
    case 'system':
      return new SystemMessage(message.content);
    case 'user':
      return new HumanMessage(message.content);
    case 'assistant':
      if (!message.toolCalls?.length) return new AIMessage(message.content);
      return dialect === 'openai'
        ? rawToolCallMessage(message.content, message.toolCalls)
        : standardToolCallMessage(message.content, message.toolCalls);
    case 'tool':
      // OpenAI's tool messages have no `name`; other providers (Gemini) need it.
      return new ToolMessage({
        content: message.content,
        tool_call_id: message.toolCallId,
        ...(dialect === 'langchain' ? { name: message.name } : {}),
      });
  }
}

/** Core's provider-neutral messages as LangChain messages. */
export function toLangChainMessages(
  messages: readonly ChatMessage[],
  dialect: ToolCallDialect,
): BaseMessage[] {
  return messages.map((message) => toLangChainMessage(message, dialect));
}

/**
 * `message` with its text and its tool calls' arguments well formed (see
 * {@link wellFormedText}); the message itself when they are, as nearly all are.
 */
function wellFormedMessage(message: ChatMessage): ChatMessage {
  const content = wellFormedText(message.content);
  if (message.role === 'assistant' && message.toolCalls?.length) {
    const toolCalls = message.toolCalls.map((call) => {
      const text = wellFormedText(call.arguments);
      return text === call.arguments ? call : { ...call, arguments: text };
    });
    const same =
      content === message.content && toolCalls.every((c, i) => c === message.toolCalls![i]);
    return same ? message : { ...message, content, toolCalls };
  }
  return content === message.content ? message : ({ ...message, content } as ChatMessage);
}
