import { AIMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { fromLangChainMessage } from './from-langchain-message';

const answer = (usage: Record<string, unknown>) => {
  const message = new AIMessage({ content: 'Hi' });
  message.usage_metadata = usage as never;
  return message;
};

describe('fromLangChainMessage', () => {
  it('keeps the token counts the endpoint reported', () => {
    const response = fromLangChainMessage(
      answer({ input_tokens: 12, output_tokens: 3, input_token_details: { cache_read: 4 } }),
    );
    expect(response.usage).toEqual({ inputTokens: 12, outputTokens: 3, cachedInputTokens: 4 });
  });

  it('counts a negative or endless token count as 0, so it cannot lower the cost or the limits', () => {
    const response = fromLangChainMessage(
      answer({
        input_tokens: -100_000,
        output_tokens: Number.POSITIVE_INFINITY,
        input_token_details: { cache_read: -5 },
      }),
    );
    expect(response.usage).toEqual({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 });
  });

  it('reads tool arguments a server sent as an object, not a string, as their JSON', () => {
    const message = new AIMessage({
      content: '',
      // LangChain warns on the console when only the raw calls are given.
      tool_calls: [{ id: 'c1', name: 'lookup', args: { city: 'Oslo' }, type: 'tool_call' }],
      additional_kwargs: {
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'lookup', arguments: { city: 'Oslo' } } },
        ] as never,
      },
    });
    expect(fromLangChainMessage(message).toolCalls).toEqual([
      { id: 'c1', name: 'lookup', arguments: '{"city":"Oslo"}' },
    ]);
  });
});
