import type { ChatMessage, ChatRequest } from '../model/types';
import { headOf } from '../text/whole-characters';

/** The longest message content a journal entry keeps; longer ones are cut, with a note. */
export const maxRecordedMessageCharacters = 16_000;

/**
 * A model request as the journal keeps it for viewers: the messages it adds to the previous
 * call of the same effect (`after` names that call's journal key and `keep` how many of its
 * messages come first, unchanged), and the names of the tools it offers. A tool loop of n
 * calls so stores each message once, not n times; a viewer rebuilds the full list by
 * following `after`. Long contents are cut to {@link maxRecordedMessageCharacters}.
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

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function cutMessage(message: ChatMessage): ChatMessage {
  const { content } = message;
  if (content.length <= maxRecordedMessageCharacters) return message;
  return {
    ...message,
    content: `${headOf(content, maxRecordedMessageCharacters)}… [${content.length - maxRecordedMessageCharacters} more characters not journaled]`,
  };
}
