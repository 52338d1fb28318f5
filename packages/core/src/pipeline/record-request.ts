import type { ChatMessage, ChatRequest, ToolCallRequest } from '../model/types';
import { headOf } from '../text/whole-characters';

/** The longest message content a journal entry keeps; longer ones are cut, with a note. */
export const maxRecordedMessageCharacters = 16_000;

/**
 * A model request as the journal keeps it for viewers: the messages it adds to the previous
 * call of the same effect (`after` names that call's journal key and `keep` how many of its
 * messages come first, unchanged), and the names of the tools it offers. A tool loop of n
 * calls so stores each message once, not n times; a viewer rebuilds the full list by
 * following `after`. Long contents and tool call arguments are cut to
 * {@link maxRecordedMessageCharacters}.
 */
export interface RecordedRequest {
  after?: string;
  keep?: number;
  messages: ChatMessage[];
  tools?: string[];
}

/** The {@link RecordedRequest} for `request`, given the effect's previous call. */
export function recordRequest(
  request: ChatRequest,
  previous: { key: string; messages: readonly ChatMessage[] } | undefined,
): RecordedRequest {
  let keep = 0;
  if (previous) {
    const limit = Math.min(previous.messages.length, request.messages.length);
    while (keep < limit && sameMessage(previous.messages[keep]!, request.messages[keep]!)) keep++;
  }
  return {
    ...(previous && keep > 0 ? { after: previous.key, keep } : {}),
    messages: request.messages.slice(keep).map(cutMessage),
    ...(request.tools?.length ? { tools: request.tools.map((tool) => tool.name) } : {}),
  };
}

/**
 * True when `request`'s message is `previous`'s, as the journal keeps it: a restored run's
 * previous messages are the journal's, long ones cut, and still match the run's own.
 */
function sameMessage(previous: ChatMessage, message: ChatMessage): boolean {
  if (previous === message) return true;
  const json = JSON.stringify(previous);
  if (json === JSON.stringify(message)) return true;
  const cut = cutMessage(message);
  return cut !== message && json === JSON.stringify(cut);
}

/**
 * `message` as the journal keeps it: a content, or a tool call's arguments, longer than
 * {@link maxRecordedMessageCharacters} cut with a note. The model's answer that made a call
 * keeps its arguments whole (a resume reads them back); a 5 MB argument copied into every
 * later request of its loop wrote 5 MB again with the next call.
 */
function cutMessage(message: ChatMessage): ChatMessage {
  const content = cutText(message.content);
  const toolCalls =
    message.role === 'assistant' && message.toolCalls?.some(isLong)
      ? message.toolCalls.map((call) =>
          isLong(call) ? { ...call, arguments: cutText(call.arguments) } : call,
        )
      : undefined;
  if (content === message.content && toolCalls === undefined) return message;
  return { ...message, content, ...(toolCalls ? { toolCalls } : {}) } as ChatMessage;
}

function isLong(call: ToolCallRequest): boolean {
  return call.arguments.length > maxRecordedMessageCharacters;
}

function cutText(text: string): string {
  if (text.length <= maxRecordedMessageCharacters) return text;
  return `${headOf(text, maxRecordedMessageCharacters)}… [${text.length - maxRecordedMessageCharacters} more characters not journaled]`;
}
