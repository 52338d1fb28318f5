import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import { convertCompletionsMessageToBaseMessage } from '@langchain/openai';

/** Keeps the body of the JSON response of one call, to recover an answer the client refused. */
export interface CompletionCapture {
  /** A fetch that records the call's successful JSON response, for the OpenAI client. */
  fetch: typeof globalThis.fetch;
  /** The recorded completion as a LangChain message, or `undefined` when there is none. */
  recover(): Promise<BaseMessage | undefined>;
}

interface RawCompletion {
  model?: string;
  choices?: Array<{ message?: Record<string, unknown>; finish_reason?: string }>;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    total_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number };
  };
}

/**
 * For `response_format: json_schema`, ChatOpenAI calls the SDK's `parse()`, which throws on
 * `finish_reason: length`, on `content_filter` and on content that is not JSON, and the
 * answer (and its billed usage) is lost. Core wants exactly those answers, as typed finish
 * reasons or as text to validate and re-ask about. So the call's response body is kept and,
 * when the client throws on it, converted as ChatOpenAI would have.
 */
export function createCompletionCapture(): CompletionCapture {
  let captured: Response | undefined;
  return {
    async fetch(input, init) {
      const response = await globalThis.fetch(input, init);
      if (response.ok && response.headers.get('content-type')?.includes('application/json')) {
        captured = response.clone();
      }
      return response;
    },
    async recover() {
      if (!captured) return undefined;
      const completion = JSON.parse(await captured.text()) as RawCompletion;
      const choice = completion.choices?.[0];
      if (!choice?.message) return undefined;
      const message = convertCompletionsMessageToBaseMessage({
        message: choice.message as never,
        rawResponse: completion as never,
        includeRawResponse: true,
      }) as AIMessage;
      message.response_metadata = {
        ...message.response_metadata,
        finish_reason: choice.finish_reason,
      };
      const usage = completion.usage;
      message.usage_metadata = {
        input_tokens: usage?.prompt_tokens ?? 0,
        output_tokens: usage?.completion_tokens ?? 0,
        total_tokens: usage?.total_tokens ?? 0,
        input_token_details: { cache_read: usage?.prompt_tokens_details?.cached_tokens ?? 0 },
      };
      return message;
    },
  };
}
