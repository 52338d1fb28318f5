import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../model/types';
import { BudgetError } from './budget-error';
import { buildContext } from './build-context';
import { contextFromRequest } from './context-from-request';
import { estimateTokenCounter } from './create-token-counter';
import { planContext } from './plan-context';
import { wordCounter, words } from './testing/word-counter';
import type { ContextInput, FittingContextPlan } from './types';

// With the word counter a message is 4 tokens (framing and role) plus its words; a request
// adds 3 for the reply priming.
const plan = (context: ContextInput, contextWindow: number, budget = {}) =>
  planContext({ context, model: 'test-model', contextWindow, counter: wordCounter, budget });
const fits = (result: ReturnType<typeof planContext>): FittingContextPlan => {
  if (result.status !== 'fits') throw new Error(`expected a fitting plan, got ${result.status}`);
  return result;
};

function conversation(turns: number): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: words(10, 's') }];
  for (let turn = 0; turn < turns; turn++) {
    messages.push({ role: 'user', content: words(10, `u${turn}_`) });
    messages.push({ role: 'assistant', content: words(10, `a${turn}_`) });
  }
  messages.push({ role: 'user', content: words(10, 'now') });
  return messages;
}

describe('planContext', () => {
  it('sends a request that fits as it is, with its ledger and token tax', () => {
    const result = fits(
      plan(contextFromRequest({ messages: conversation(1) }), 1_000, { reserveOutputTokens: 100 }),
    );
    expect(result.messages).toHaveLength(4);
    expect(result.ledger).toMatchObject({
      model: 'test-model',
      encoding: 'words',
      exact: true,
      capacity: 1_000,
      sections: {
        system: 14,
        history: 28,
        input: 14,
        tools: 0,
        memory: 0,
        documents: 0,
        output: 100,
      },
      framingTokens: 3,
      inputTokens: 59,
      inputTokensBefore: 59,
      reservedOutputTokens: 100,
      freeTokens: 1_000 - 59 - 100,
      trimmed: [],
      // system 14 + history 28 + framing 3 = 45 of 1000 spent before the user's input.
      tokenTax: 0.045,
      tokenTaxBefore: 0.045,
      fixedTax: 0.017,
    });
  });

  it('trims the oldest history first, keeping the pinned first question and the last turns', () => {
    // 1 system (14) + 10 turns (20 messages × 14) + input (14) + 3 = 311.
    const context = contextFromRequest({ messages: conversation(10) });
    const result = fits(plan(context, 200, { reserveOutputTokens: 20 }));
    const kept = result.messages.map((message) => message.content.split(' ')[0]);
    expect(kept[0]).toBe('s0');
    expect(kept[1]).toBe('u0_0');
    expect(kept.slice(-3)).toEqual(['u9_0', 'a9_0', 'now0']);
    expect(result.ledger.inputTokens + 20).toBeLessThanOrEqual(200);
    expect(result.ledger.trimmed).toEqual([
      expect.objectContaining({
        section: 'history',
        strategy: 'trim-oldest-history',
        action: 'dropped',
      }),
    ]);
    expect(result.ledger.sections.history).toBeLessThan(result.ledger.sectionsBefore.history);
  });

  it('never separates a tool call from its results when it trims', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'task' },
      ...Array.from({ length: 6 }, (_, index): ChatMessage[] => [
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: `c${index}`, name: 'look', arguments: words(5) }],
        },
        { role: 'tool', toolCallId: `c${index}`, name: 'look', content: words(20) },
      ]).flat(),
    ];
    const result = fits(plan(contextFromRequest({ messages }), 120, { reserveOutputTokens: 10 }));
    const calls = new Set(
      result.messages.flatMap((message) =>
        (message.role === 'assistant' ? (message.toolCalls ?? []) : []).map((call) => call.id),
      ),
    );
    const results = result.messages
      .filter((message) => message.role === 'tool')
      .map((message) => (message as { toolCallId: string }).toolCallId);
    expect(results.every((id) => calls.has(id))).toBe(true);
    expect(results.length).toBe(calls.size);
    expect(results.length).toBeLessThan(6);
  });

  it('drops the least relevant documents, then memory, never the system prompt or the input', () => {
    const context = buildContext({
      system: words(10),
      memory: [words(20, 'm')],
      documents: [
        { text: words(30, 'low'), label: 'low', rank: 0.1 },
        { text: words(30, 'high'), label: 'high', rank: 0.9 },
        { text: words(30, 'mid'), label: 'mid', rank: 0.5 },
      ],
      input: words(10, 'q'),
    });
    // Input: system 14 + memory 24 + 3 documents × 36 ("Document <label>:" and 30 words)
    // + input 14 + 3 = 163; with 10 reserved, a window of 140 is 33 over: the least relevant goes.
    const one = fits(
      plan(context, 140, { strategies: ['drop-lowest-priority'], reserveOutputTokens: 10 }),
    );
    expect(one.ledger.trimmed).toEqual([
      expect.objectContaining({
        section: 'documents',
        labels: ['low'],
        action: 'dropped',
        tokensBefore: 36,
      }),
    ]);
    // A window of 60 is 113 over: every document goes, then memory.
    const all = fits(
      plan(context, 60, { strategies: ['drop-lowest-priority'], reserveOutputTokens: 10 }),
    );
    expect(all.ledger.trimmed).toEqual([
      expect.objectContaining({ section: 'documents', labels: ['low', 'mid', 'high'] }),
      expect.objectContaining({ section: 'memory', messages: 1 }),
    ]);
    expect(all.messages.map((message) => message.content.split(' ')[0])).toEqual(['w0', 'q0']);
  });

  it('cuts the middle of an oversized input when keep-head-and-tail is enabled', () => {
    const context = contextFromRequest({ messages: [{ role: 'user', content: words(5_000) }] });
    const result = fits(
      plan(context, 1_000, { strategies: ['keep-head-and-tail'], reserveOutputTokens: 100 }),
    );
    const input = result.messages[0]!.content;
    expect(input.startsWith('w0 w1')).toBe(true);
    expect(input.endsWith('w4999')).toBe(true);
    expect(result.ledger.inputTokens + 100).toBeLessThanOrEqual(1_000);
    expect(result.ledger.trimmed[0]).toMatchObject({
      section: 'input',
      action: 'cut-middle',
      tokensBefore: 5_004,
    });
  });

  it('cuts the middle of an oversized memory, cuttable by its policy, with keep-head-and-tail', () => {
    // Memory is sent as system messages; the cut skipped every system message, so a large
    // memory failed with budget.exceeded where its section's policy says it may be cut.
    const context = buildContext({
      system: words(10, 's'),
      memory: [words(3_000, 'm')],
      input: words(10, 'now'),
    });
    const result = fits(
      plan(context, 1_000, { strategies: ['keep-head-and-tail'], reserveOutputTokens: 100 }),
    );
    const memory = result.messages[1]!;
    expect(memory.role).toBe('system');
    expect(memory.content.startsWith('Memory: m0 m1')).toBe(true);
    expect(memory.content.endsWith('m2999')).toBe(true);
    // The system prompt is never cut.
    expect(result.messages[0]!.content).toBe(words(10, 's'));
    expect(result.ledger.trimmed[0]).toMatchObject({ section: 'memory', action: 'cut-middle' });
    expect(result.ledger.inputTokens + 100).toBeLessThanOrEqual(1_000);
  });

  it('never cuts a system message among the input', () => {
    const context = buildContext({
      input: [
        { role: 'system', content: words(2_000, 'rule') },
        { role: 'user', content: words(10, 'now') },
      ],
    });
    expect(() =>
      plan(context, 1_000, { strategies: ['keep-head-and-tail'], reserveOutputTokens: 100 }),
    ).toThrow(BudgetError);
  });

  it('throws a BudgetError naming every section and its minimum when even the minimums do not fit', () => {
    const context = contextFromRequest({
      messages: [
        { role: 'system', content: words(50) },
        { role: 'user', content: words(500) },
      ],
    });
    const error = (() => {
      try {
        plan(context, 300, { reserveOutputTokens: 50 });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(BudgetError.isInstance(error)).toBe(true);
    const budgetError = error as BudgetError;
    expect(budgetError.code).toBe('budget.exceeded');
    expect(budgetError.message).toMatch(
      /needs at least 611 tokens but its context window allows 300/,
    );
    expect(budgetError.message).toMatch(
      /system 54 \(min 54\), input 504 \(min 504\), output 50 \(min 50\)/,
    );
    expect(budgetError.details.sections).toContainEqual({
      section: 'input',
      tokens: 504,
      minTokens: 504,
    });
    expect(budgetError.toJSON()).toMatchObject({
      code: 'budget.exceeded',
      details: { capacity: 300 },
    });
  });

  it('shrinks the output reserve down to its minimum when nothing else fits', () => {
    const context = contextFromRequest({ messages: [{ role: 'user', content: words(80) }] });
    const result = fits(plan(context, 200, { reserveOutputTokens: 150, minOutputTokens: 50 }));
    expect(result.reservedOutputTokens).toBe(200 - 87);
    expect(result.ledger.trimmed).toEqual([
      expect.objectContaining({
        section: 'output',
        action: 'reduced',
        tokensBefore: 150,
        tokensAfter: 113,
      }),
    ]);
  });

  it('keeps a safety margin when counts are estimates', () => {
    const context = contextFromRequest({ messages: [{ role: 'user', content: 'hello' }] });
    const result = fits(
      planContext({ context, model: 'm', contextWindow: 10_000, counter: estimateTokenCounter }),
    );
    expect(result.ledger.capacity).toBe(9_500);
    expect(result.ledger.exact).toBe(false);
    expect(result.reservedOutputTokens).toBe(4_096);
  });

  it("reserves the request's maxOutputTokens, else the model's up to 4096", () => {
    const context = contextFromRequest({ messages: [{ role: 'user', content: 'hi' }] });
    const base = { context, model: 'm', contextWindow: 100_000, counter: wordCounter };
    expect(fits(planContext({ ...base, maxOutputTokens: 300 })).reservedOutputTokens).toBe(300);
    expect(fits(planContext({ ...base, modelMaxOutputTokens: 1_000 })).reservedOutputTokens).toBe(
      1_000,
    );
    expect(fits(planContext({ ...base, modelMaxOutputTokens: 100_000 })).reservedOutputTokens).toBe(
      4_096,
    );
  });

  it("never reserves less than the request's own maxOutputTokens when a reserve is set (a call's cap is not lowered)", () => {
    const context = contextFromRequest({ messages: [{ role: 'user', content: 'hi' }] });
    const base = { context, model: 'm', contextWindow: 100_000, counter: wordCounter };
    const budget = { reserveOutputTokens: 500 };
    expect(
      fits(planContext({ ...base, budget, maxOutputTokens: 4_000 })).reservedOutputTokens,
    ).toBe(4_000);
    // Above the call's cap, the reserve is what was asked.
    expect(fits(planContext({ ...base, budget, maxOutputTokens: 200 })).reservedOutputTokens).toBe(
      500,
    );
    expect(fits(planContext({ ...base, budget })).reservedOutputTokens).toBe(500);
  });

  it('reserves by default at most half of a small window, so a short request to a 4K model fits', () => {
    const context = contextFromRequest({ messages: [{ role: 'user', content: 'hi' }] });
    const small = { context, model: 'local-4k', counter: wordCounter };
    expect(fits(planContext({ ...small, contextWindow: 4_000 })).reservedOutputTokens).toBe(2_000);
    expect(
      fits(planContext({ ...small, contextWindow: 2_048, modelMaxOutputTokens: 2_048 }))
        .reservedOutputTokens,
    ).toBe(1_024);
    // Asked for explicitly, the reserve is what was asked: too large is the caller's error.
    expect(() =>
      planContext({ ...small, contextWindow: 4_000, budget: { reserveOutputTokens: 4_096 } }),
    ).toThrow(BudgetError);
    expect(() => planContext({ ...small, contextWindow: 4_000, maxOutputTokens: 4_096 })).toThrow(
      BudgetError,
    );
  });

  it('asks for a summary of the oldest history when compress-history comes first', () => {
    const context = contextFromRequest({ messages: conversation(10) });
    const result = plan(context, 250, {
      strategies: ['compress-history'],
      reserveOutputTokens: 20,
      summaryTokens: 30,
    });
    expect(result.status).toBe('needs-summary');
    if (result.status !== 'needs-summary') return;
    expect(result.summaryTokens).toBe(30);
    expect(result.toSummarise.every((item) => item.section === 'history' && !item.pinned)).toBe(
      true,
    );
    expect(result.toSummarise[0]?.messages[0]?.content.startsWith('a0_0')).toBe(true);
    expect(result.before.inputTokens).toBe(311);
  });

  it('rejects a window that is not a positive number', () => {
    expect(() => plan({ items: [] }, 0)).toThrow(/context window of "test-model" is 0/);
  });
});
