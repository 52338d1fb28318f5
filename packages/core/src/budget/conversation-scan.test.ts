import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../model/types';
import { applyContextBudget } from './apply-context-budget';
import { type ConversationScan, scanConversation } from './conversation-scan';
import { estimateTokenCounter } from './create-token-counter';

const tools: ToolDefinition[] = [
  {
    name: 'lookup',
    description: 'Looks up a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** The next few messages of a conversation: user turns, system notes, tool calls with their results. */
function nextMessages(next: () => number, round: number): ChatMessage[] {
  const text = (words: number) => Array.from({ length: words }, (_, i) => `w${i}`).join(' ');
  const pick = next();
  if (pick < 0.15) return [{ role: 'user', content: `question ${round}: ${text(5 + round)}` }];
  if (pick < 0.2) return [{ role: 'system', content: `note ${round}` }];
  if (pick < 0.3) return [{ role: 'assistant', content: text(round % 7) }];
  if (pick < 0.35) {
    // A tool result whose call is not the one before it: a turn of its own.
    return [{ role: 'tool', toolCallId: 'elsewhere', name: 'lookup', content: 'orphan' }];
  }
  const calls = 1 + Math.floor(next() * 3);
  const ids = Array.from({ length: calls }, (_, index) => `c${round}-${index}`);
  const answered = next() < 0.8 ? ids : ids.slice(1);
  return [
    {
      role: 'assistant',
      content: '',
      toolCalls: ids.map((id) => ({ id, name: 'lookup', arguments: `{"city":"${id}"}` })),
    },
    ...answered.map(
      (id): ChatMessage => ({ role: 'tool', toolCallId: id, name: 'lookup', content: text(20) }),
    ),
  ];
}

describe('scanConversation', () => {
  it('plans a growing conversation exactly as a walk over the whole request does', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const next = random(seed);
      const messages: ChatMessage[] =
        next() < 0.5 ? [{ role: 'system', content: 'Be brief.' }] : [];
      let scan: ConversationScan | undefined;
      let pending: ChatMessage[] = [];
      for (let round = 0; round < 40; round++) {
        if (pending.length > 0) {
          // A tool call's results arrive a call later: the scan's last turn grows.
          messages.push(pending.shift()!);
        } else {
          const added = nextMessages(next, round);
          const split = added.length > 1 && next() < 0.4 ? 1 : added.length;
          messages.push(...added.slice(0, split));
          pending = added.slice(split);
        }
        const request: ChatRequest = {
          messages: [...messages],
          ...(round % 3 ? { tools } : {}),
          ...(round % 4 === 1 ? { maxOutputTokens: 200 } : {}),
        };
        scan = scanConversation(request.messages, estimateTokenCounter, scan);
        // Windows the conversation fits in, and ones it does not (planned by the walk).
        for (const contextWindow of [100_000, 2_000, 900]) {
          const model = { modelName: 'm', metadata: { contextWindow } };
          const options = { model, counter: estimateTokenCounter, request };
          const walked = await applyContextBudget(options).catch((error: Error) => error);
          const scanned = await applyContextBudget({ ...options, scan }).catch(
            (error: Error) => error,
          );
          expect(JSON.stringify(scanned)).toBe(JSON.stringify(walked));
          expect(scanned).toEqual(walked);
        }
      }
    }
  });

  it('scans again from the start when the history changed', async () => {
    const first: ChatMessage = { role: 'user', content: 'a short question' };
    const answer: ChatMessage = { role: 'assistant', content: 'an answer' };
    const scan = scanConversation([first, answer], estimateTokenCounter);
    const longer: ChatMessage = { role: 'user', content: 'a much longer question '.repeat(50) };
    const request: ChatRequest = { messages: [longer, answer, first] };
    const model = { modelName: 'm', metadata: { contextWindow: 100_000 } };
    const walked = await applyContextBudget({ model, counter: estimateTokenCounter, request });
    const rescanned = scanConversation(request.messages, estimateTokenCounter, scan);
    expect(
      await applyContextBudget({ model, counter: estimateTokenCounter, request, scan: rescanned }),
    ).toEqual(walked);
    // A scan continued a second time (two branches of one conversation) is right too.
    const trunk = scanConversation([first], estimateTokenCounter);
    const one = scanConversation([first, answer], estimateTokenCounter, trunk);
    const other = scanConversation([first, longer], estimateTokenCounter, trunk);
    expect(other).toEqual(scanConversation([first, longer], estimateTokenCounter));
    expect(one).toEqual(scanConversation([first, answer], estimateTokenCounter));
    // A message whose content was changed in place is counted again.
    const messages = [{ ...first }, answer];
    const before = scanConversation(messages, estimateTokenCounter);
    messages[0]!.content = longer.content;
    const after = scanConversation([...messages], estimateTokenCounter, before);
    expect(after.inputTurn).toBe(0);
    expect(after.otherTokens).toBe(
      estimateTokenCounter.countMessage(messages[0]!) + estimateTokenCounter.countMessage(answer),
    );
  });
});
