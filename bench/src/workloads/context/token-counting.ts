import type { ChatMessage, ChatRequest } from '@agentchart/core';
import { estimateTokenCounter } from '@agentchart/core/budget';
import { tiktokenCounter } from '@agentchart/tokenizer';
import { type TimedCase, timeCases } from '../../measure/time-cases';
import type { Row } from '../../types';

/** A conversation of about 24 KB as JSON: prose, JSON tool results and code, as agents send. */
function conversation(): ChatRequest {
  const prose =
    'The tender asks for the repair of two road bridges, with a four-month deadline and a penalty for each day of delay. ';
  const json = JSON.stringify({ id: 'T-108', lots: [1, 2], budget: 1_250_000, currency: 'EUR' });
  const code =
    'export function total(items: Item[]): number { return items.reduce((s, i) => s + i.price, 0); }\n';
  const messages: ChatMessage[] = [{ role: 'system', content: 'You screen public tenders.' }];
  for (let turn = 0; turn < 12; turn++) {
    messages.push({ role: 'user', content: prose.repeat(8) });
    messages.push({ role: 'assistant', content: code.repeat(4) });
    messages.push({
      role: 'tool',
      toolCallId: `call_${turn}`,
      name: 'lookup',
      content: json.repeat(8),
    });
  }
  return { messages };
}

/** A copy with new message objects, so a counter's per-message memo cannot answer it. */
function fresh(request: ChatRequest): ChatRequest {
  return { ...request, messages: request.messages.map((message) => ({ ...message })) };
}

/** token counting: µs to count a fresh ~24 KB request; throughput in MB/s. */
export async function tokenCounting({ timeMs }: { timeMs: number }): Promise<Row[]> {
  const request = conversation();
  const bytes = Buffer.byteLength(JSON.stringify(request.messages));
  const exact = await tiktokenCounter({ encoding: 'o200k_base' });
  const reference = exact.countRequest(request);
  // Every variant must land near the exact count: a counter that skips work cannot look fast.
  const check = (variant: string, tokens: number) => {
    if (!(tokens > reference * 0.5 && tokens < reference * 2)) {
      throw new Error(`${variant}: counted ${tokens} tokens, exact is ${reference}`);
    }
  };
  const cases: TimedCase[] = [
    {
      variant: 'characters / 4 (floor)',
      steps: 1,
      run: async () => {
        let characters = 0;
        for (const message of fresh(request).messages) characters += message.content.length;
        check('characters / 4', Math.ceil(characters / 4));
      },
    },
    {
      variant: 'agentchart estimateTokenCounter (default)',
      steps: 1,
      run: async () => check('estimate', estimateTokenCounter.countRequest(fresh(request))),
      note: 'no dependency; errs high',
    },
    {
      variant: 'agentchart estimate, same messages again',
      steps: 1,
      run: async () => check('estimate (memo)', estimateTokenCounter.countRequest(request)),
      note: 'per-message memo: a growing conversation is not re-counted',
    },
    {
      variant: '@agentchart/tokenizer o200k_base (exact)',
      steps: 1,
      run: async () => check('exact', exact.countRequest(fresh(request))),
      note: 'gpt-tokenizer',
    },
  ];
  const rows = await timeCases('token counting', cases, { timeMs });
  for (const row of rows) {
    if (row.status === 'ok') row.metrics.megabytesPerSecond = bytes / row.metrics.usPerRun!;
    row.metrics.requestBytes = bytes;
  }
  return rows;
}
