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
    const { toolCalls } = message;
    const group: ChatMessage[] = [message];
    while (index + 1 < messages.length) {
      const next = messages[index + 1]!;
      if (next.role !== 'tool' || !answers(toolCalls, next.toolCallId)) break;
      group.push(next);
      index++;
    }
    groups.push(group);
  }
  return groups;
}

/** True when one of `calls` has the id `id`: a scan, as a turn makes few calls (no set per turn). */
function answers(calls: readonly { id: string }[], id: string): boolean {
  for (const call of calls) if (call.id === id) return true;
  return false;
}
