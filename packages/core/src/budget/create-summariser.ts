import type { ChatMessage, ChatRequest, ChatResponse } from '../model/types';
import type { Summarise } from './apply-context-budget';

/** Options of {@link createSummariser}. */
export interface SummariserOptions {
  /**
   * Sends the summary request to a cheaper model. In a run: `(request) =>
   * scope.callModel('summariser', request)`, so the call is journaled, counted and limited
   * like any other.
   */
  call(request: ChatRequest): Promise<ChatResponse>;
  /** What the summary must keep. Default: facts, decisions, numbers, open tasks, tool results. */
  instructions?: string;
}

const defaultInstructions =
  "You compress the earlier part of an AI agent's conversation so the agent can continue without it. " +
  'Keep every fact, decision, name, number, identifier, open task and tool result the agent relied on; ' +
  'drop pleasantries and repetition. Write plain prose or terse bullet points.';

/**
 * A {@link Summarise} function for `compress-history`: it renders the messages as a
 * transcript (tool calls and results included) and asks `call`'s model for a summary within
 * the token budget the planner gives.
 */
export function createSummariser({
  call,
  instructions = defaultInstructions,
}: SummariserOptions): Summarise {
  return async (messages, { maxTokens }) => {
    const response = await call({
      messages: [
        { role: 'system', content: `${instructions} Use at most ${maxTokens} tokens.` },
        { role: 'user', content: `Conversation to summarise:\n\n${transcriptOf(messages)}` },
      ],
      maxOutputTokens: maxTokens,
      temperature: 0,
    });
    return response.content.trim();
  };
}

/** Messages as a plain transcript, one block per message. */
export function transcriptOf(messages: readonly ChatMessage[]): string {
  return messages
    .map((message) => {
      if (message.role === 'tool') return `tool ${message.name} returned: ${message.content}`;
      if (message.role === 'assistant' && message.toolCalls?.length) {
        const calls = message.toolCalls.map((call) => `${call.name}(${call.arguments})`).join(', ');
        return `assistant: ${message.content ? `${message.content} ` : ''}[called ${calls}]`;
      }
      return `${message.role}: ${message.content}`;
    })
    .join('\n\n');
}
