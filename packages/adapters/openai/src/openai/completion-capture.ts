import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import { convertCompletionsMessageToBaseMessage } from '@langchain/openai';
import type { ReceivedCompletion } from '../errors/unusable-completion-error';

/** Keeps the body of the successful response of one call, to recover or explain a failure. */
export interface CompletionCapture {
  /** A fetch that records the call's successful response, for the OpenAI client. */
  fetch: typeof globalThis.fetch;
  /** The recorded completion as a LangChain message, or `undefined` when there is none. */
  recover(): Promise<BaseMessage | undefined>;
  /** The recorded 2xx response as it came, or `undefined` when the call had none. */
  received(): Promise<ReceivedCompletion | undefined>;
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
 * Kept for every call whose answer is not streamed. For `response_format: json_schema`,
 * ChatOpenAI calls the SDK's `parse()`, which throws on
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
      if (response.ok) captured = response.clone();
      return response;
    },
    async received() {
      if (!captured) return undefined;
      const response = captured.clone();
      const contentType = response.headers.get('content-type') ?? '';
      return { status: response.status, contentType, body: await response.text() };
    },
    async recover() {
      if (!captured?.headers.get('content-type')?.includes('application/json')) return undefined;
      const completion = JSON.parse(await captured.clone().text()) as RawCompletion;
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
