import type { ChatRequest } from '../model/types';
import { groupTurns } from './group-turns';
import type { ContextInput, ContextItem } from './types';

/** Options of {@link contextFromRequest}. */
export interface ContextFromRequestOptions {
  /**
   * Pin the first user message when it is not the input: in a tool loop or after a re-ask it
   * states the task, which trimming must not lose. Default true.
   */
  pinFirstUserMessage?: boolean | undefined;
}

/**
 * The sections of a plain {@link ChatRequest}, for effects that build messages themselves:
 * system messages are `system`, the last user message is the `input`, everything else —
 * earlier turns, assistant answers, tool calls with their results, re-asks — is `history`,
 * grouped so a tool call never leaves without its results. Memory and documents are whatever
 * an effect marks as such with {@link buildContext}; a plain request has none.
 */
export function contextFromRequest(
  request: ChatRequest,
  { pinFirstUserMessage = true }: ContextFromRequestOptions = {},
): ContextInput {
  const groups = groupTurns(request.messages);
  let inputIndex = -1;
  for (let index = groups.length - 1; index >= 0; index--) {
    if (groups[index]![0]!.role === 'user') {
      inputIndex = index;
      break;
    }
  }
  let firstUserSeen = false;
  const items: ContextItem[] = groups.map((messages, index) => {
    const role = messages[0]!.role;
    if (role === 'system') return { section: 'system', messages };
    if (index === inputIndex) return { section: 'input', messages };
    const first = role === 'user' && !firstUserSeen;
    if (role === 'user') firstUserSeen = true;
    return first && pinFirstUserMessage
      ? { section: 'history', messages, pinned: true }
      : { section: 'history', messages };
  });
  return {
    items,
    ...(request.tools?.length ? { tools: request.tools } : {}),
    ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
  };
}
