import type { ChatMessage } from '../model/types';

/**
 * Splits a conversation into units that are kept or dropped whole: an assistant message that
 * calls tools together with the tool results answering it, every other message alone.
 * Providers reject a tool result whose call is missing (and a call without its result), so a
 * trim must never fall between them.
 */
export function groupTurns(messages: readonly ChatMessage[]): ChatMessage[][] {
  const groups: ChatMessage[][] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role !== 'assistant' || !message.toolCalls?.length) {
      groups.push([message]);
      continue;
    }
    const callIds = new Set(message.toolCalls.map((call) => call.id));
    const group: ChatMessage[] = [message];
    while (index + 1 < messages.length) {
      const next = messages[index + 1]!;
      if (next.role !== 'tool' || !callIds.has(next.toolCallId)) break;
      group.push(next);
      index++;
    }
    groups.push(group);
  }
  return groups;
}
