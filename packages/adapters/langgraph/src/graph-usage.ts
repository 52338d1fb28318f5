import type { CallbackHandlerMethods } from '@langchain/core/callbacks/base';
import type { LLMResult } from '@langchain/core/outputs';
import type { GraphUsage } from './types';

/** Token counts as LangChain chat messages carry them. */
interface UsageMetadata {
  input_tokens?: number;
  output_tokens?: number;
}

/**
 * A LangChain callback handler that adds up the model calls a graph makes and the tokens
 * they report. The graph's models are not agentchart's, so their calls pass no budget or
 * limit check; counting them still puts them in the run's usage, through the journal.
 */
export function graphUsageCollector(): { usage: GraphUsage; handler: CallbackHandlerMethods } {
  const usage: GraphUsage = { modelCalls: 0, inputTokens: 0, outputTokens: 0 };
  const handler: CallbackHandlerMethods = {
    handleLLMEnd(output: LLMResult) {
      usage.modelCalls++;
      const reported = usageOf(output);
      usage.inputTokens += reported.input_tokens ?? 0;
      usage.outputTokens += reported.output_tokens ?? 0;
    },
  };
  return { usage, handler };
}

/** A chat message's `usage_metadata`, else the provider's `tokenUsage`: one per call, not both. */
function usageOf(output: LLMResult): UsageMetadata {
  for (const generation of output.generations.flat()) {
    const message = (generation as { message?: { usage_metadata?: UsageMetadata } }).message;
    if (message?.usage_metadata) return message.usage_metadata;
  }
  const tokenUsage = output.llmOutput?.tokenUsage as
    | { promptTokens?: number; completionTokens?: number }
    | undefined;
  return { input_tokens: tokenUsage?.promptTokens, output_tokens: tokenUsage?.completionTokens };
}
