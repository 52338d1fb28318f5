import { RunError } from '../errors/run-error';
import type { ChatMessage, ChatRequest, ChatResponse } from '../model/types';
import { holdsUntrustedData, untrustedContentNote } from '../security/fence-untrusted';
import { headOf } from '../text/whole-characters';
import type { Summarise } from './apply-context-budget';
import { BudgetError } from './budget-error';

/** Options of {@link createSummariser}. */
export interface SummariserOptions {
  /**
   * Sends the summary request to a cheaper model. In a run: `(request) =>
   * scope.callModel('summariser', request)`, so the call is journaled, counted and limited
   * like any other.
   */
  call(request: ChatRequest): Promise<ChatResponse>;
  /** What the summary must keep. Default: facts, decisions, numbers, open tasks, tool results. */
  instructions?: string | undefined;
}

const defaultInstructions =
  "You compress the earlier part of an AI agent's conversation so the agent can continue without it. " +
  'Keep every fact, decision, name, number, identifier, open task and tool result the agent relied on; ' +
  'drop pleasantries and repetition. Write plain prose or terse bullet points.';

/**
 * A {@link Summarise} function for `compress-history`: it renders the messages as a
 * transcript (tool calls and results included) and asks `call`'s model for a summary within
 * the token budget the planner gives. An answer that holds no summary — empty, a refusal, a
 * filtered answer, tool calls — fails with a {@link RunError} `budget.summary_unusable`
 * rather than replacing the history with nothing; an answer cut at the token limit is kept
 * (the planner cuts an over-long summary to its budget anyway).
 */
export function createSummariser({
  call,
  instructions = defaultInstructions,
}: SummariserOptions): Summarise {
  return async (messages, { maxTokens }) => {
    const transcript = transcriptOf(messages);
    // Fenced tool output reaches the summariser fenced: it is told, as the agent's model is,
    // that what is inside is data and never instructions.
    const note = holdsUntrustedData(transcript) ? `\n\n${untrustedContentNote}` : '';
    const response = await call({
      messages: [
        { role: 'system', content: `${instructions} Use at most ${maxTokens} tokens.${note}` },
        { role: 'user', content: `Conversation to summarise:\n\n${transcript}` },
      ],
      maxOutputTokens: maxTokens,
      temperature: 0,
    }).catch((error: unknown) => {
      throw BudgetError.isInstance(error) ? summariserTooSmall(error, messages, maxTokens) : error;
    });
    const problem = summaryProblem(response);
    if (problem !== undefined) {
      throw new RunError('budget.summary_unusable', {
        message: `The summariser${response.model ? ` (${response.model})` : ''} was asked to compress ${messages.length} earlier messages to make the request fit the context window, but its answer ${problem}; the history was not replaced. Check the summariser model (a model that refuses or calls tools is not a summariser), give it instructions it follows, or use trim-oldest-history instead of compress-history.`,
        details: { messages: messages.length, maxTokens, finishReason: response.finishReason },
      });
    }
    return response.content.trim();
  };
}

/**
 * The summariser's own request did not fit its window: the summary's room (`summaryTokens`)
 * with its instructions is more than the window holds, whatever is cut from the transcript.
 * Reported as an unusable summary, so the strategies after `compress-history` are tried, and
 * saying what to change where the summariser's `budget.exceeded` spoke of its sections only.
 */
function summariserTooSmall(
  error: BudgetError,
  messages: readonly ChatMessage[],
  maxTokens: number,
): RunError {
  const { model, contextWindow, capacity } = error.details;
  return new RunError('budget.summary_unusable', {
    message: `The summariser "${model}" was asked to compress ${messages.length} earlier messages into a summary of up to ${maxTokens} tokens (from budget.summaryTokens), but its own request cannot fit its ${contextWindow}-token window (${capacity} usable) with that much room kept for the summary; the history was not replaced. Lower budget.summaryTokens well below the summariser's window (half of it leaves room for what it reads), or make the summariserModel a model with a larger window.`,
    details: { messages: messages.length, maxTokens, model, contextWindow },
    cause: error,
  });
}

/**
 * Why a summariser's answer holds no summary, or undefined when it does. An answer without
 * one must fail the compression (replacing the history with it would lose it silently), and
 * must not be cached (every later run would fail the same way).
 */
export function summaryProblem(response: ChatResponse): string | undefined {
  if (response.refusal || response.finishReason === 'refusal') {
    return `was a refusal${response.refusal ? ` ("${headOf(response.refusal, 200)}")` : ''}`;
  }
  if (response.finishReason === 'content_filter') return 'was stopped by a content filter';
  if (response.toolCalls.length > 0) {
    return `called tools (${response.toolCalls.map((call) => call.name).join(', ')}) instead of writing a summary`;
  }
  if (response.content.trim() === '') return 'was empty';
  return undefined;
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
