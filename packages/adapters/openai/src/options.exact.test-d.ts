/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them: checked by `scripts/typecheck-exact-optional.ts` under that setting.
 */
import { it } from 'vitest';
import { langChainChatModel, openAIChatModel, resolveModelMetadata } from './index';
import { createOpenAITestServer, replies } from './testing/index';

it('takes undefined for the options of openAIChatModel and langChainChatModel', () => {
  openAIChatModel({
    model: 'gpt-4o-mini',
    apiKey: process.env.OPENAI_API_KEY,
    baseURL: process.env.OPENAI_BASE_URL,
    timeoutMs: undefined,
    metadata: { contextWindow: undefined, maxOutputTokens: undefined, pricing: undefined },
    structuredOutput: undefined,
    streaming: undefined,
    maxTools: undefined,
  });
  openAIChatModel({ model: 'gpt-4o-mini', metadata: undefined });
  langChainChatModel(() => ({}) as never, {
    modelName: undefined,
    endpoint: undefined,
    metadata: undefined,
    timeoutMs: undefined,
    streaming: undefined,
    structuredOutput: undefined,
    secrets: undefined,
    maxTools: undefined,
  });
  resolveModelMetadata('gpt-4o', { contextWindow: undefined });
});

it('takes undefined for the options of the test server and its replies', () => {
  createOpenAITestServer({
    replies: [
      replies.text('hi', { delayMs: undefined, usage: undefined, model: undefined }),
      {
        kind: 'message',
        content: 'ok',
        toolCalls: [{ id: undefined, name: 'f', arguments: '{}' }],
      },
      replies.httpError(400, 'bad', { type: undefined, headers: undefined }),
    ],
    handler: undefined,
    apiKey: undefined,
    now: undefined,
  });
});
