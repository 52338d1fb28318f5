import type { ChatRequest } from '@agentchart/core';
import { createResponseCache } from '@agentchart/core/cache';
import { InMemoryCache } from '@langchain/core/caches';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ScriptedChatModel } from '../../langchain/scripted-chat-model';
import { type TimedCase, timeCases } from '../../measure/time-cases';
import type { Row } from '../../types';

/** A tender-screening request of about 600 B with a `json_schema` format. */
const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'You screen public tenders. Answer with the schema.' },
    { role: 'user', content: 'Tender T-108: repair of two road bridges, four months, EUR 1.25M.' },
  ],
  responseFormat: {
    type: 'json_schema',
    name: 'verdict',
    schema: {
      type: 'object',
      properties: { relevant: { type: 'boolean' }, confidence: { type: 'number' } },
      required: ['relevant', 'confidence'],
      additionalProperties: false,
    },
  },
  temperature: 0,
};

const answer = { content: '{"relevant":true,"confidence":0.9}' };

/** cache hit: µs to serve a cached answer to a repeated request. */
export async function cacheHit({ timeMs }: { timeMs: number }): Promise<Row[]> {
  let calls = 0;
  const execute = async () => {
    calls++;
    return {
      ...answer,
      toolCalls: [],
      usage: { inputTokens: 40, outputTokens: 10 },
      finishReason: 'stop' as const,
    };
  };
  const cache = createResponseCache();
  const map = new Map<string, typeof answer>();
  map.set(JSON.stringify(request), answer);
  let langChainCalls = 0;
  const langChainModel = new ScriptedChatModel(
    () => {
      langChainCalls++;
      return answer;
    },
    0,
    { cache: new InMemoryCache() },
  );
  const langChainMessages = [
    new SystemMessage(request.messages[0]!.content),
    new HumanMessage(request.messages[1]!.content),
  ];
  await cache.call({ model: 'scripted', request, execute });
  await langChainModel.invoke(langChainMessages);
  const cases: TimedCase[] = [
    {
      variant: 'Map keyed by JSON.stringify (floor)',
      steps: 1,
      run: async () => {
        if (map.get(JSON.stringify(request))?.content !== answer.content)
          throw new Error('floor missed');
      },
    },
    {
      variant: 'agentchart createResponseCache',
      steps: 1,
      run: async () => {
        const result = await cache.call({ model: 'scripted', request, execute });
        if (!result.hit || result.response.content !== answer.content || calls !== 1) {
          throw new Error(`agentchart cache: hit ${result.hit}, ${calls} model calls`);
        }
      },
      note: 'normalised key, sha256, copy of the answer',
    },
    {
      variant: 'LangChain InMemoryCache (chat model invoke)',
      steps: 1,
      run: async () => {
        const message = await langChainModel.invoke(langChainMessages);
        if (message.content !== answer.content || langChainCalls !== 1) {
          throw new Error(`LangChain cache: ${langChainCalls} model calls`);
        }
      },
      note: 'what a LangGraph node calling a cached LangChain model pays',
    },
  ];
  return timeCases('cache hit', cases, { timeMs });
}
