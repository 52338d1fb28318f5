import { describe, expect, it } from 'vitest';
import { contextFromRequest } from '../budget/context-from-request';
import { wordCounter, words } from '../budget/testing/word-counter';
import type { JournalEntry } from '../ledger/types';
import type { ChatMessage } from '../model/types';
import { createRedactor } from '../security/create-redactor';
import type { HistorySummaryRef } from '../store/types';
import { startingSummary } from './starting-summary';
import { coverageHash, type SummaryCoverage } from './summary-coverage';
import type { ModelCallScope } from './types';

const redactor = createRedactor({ patterns: ['email'], environment: false });

const conversation: ChatMessage[] = [
  { role: 'user', content: 'question 0' },
  ...Array.from({ length: 6 }, (_, turn): ChatMessage[] => [
    { role: 'assistant', content: `answer ${turn}` },
    { role: 'user', content: `question ${turn + 1}` },
  ]).flat(),
];
const context = contextFromRequest({ messages: conversation });
// The first question is pinned: summaries stand for what follows it.
const oldest = (messages: number) => conversation.slice(1, 1 + messages);

/** A summary record at `key` standing for the oldest `messages` unpinned history messages. */
function record(
  key: string,
  messages: number,
  text: string,
  coverage: Partial<SummaryCoverage> = {},
): JournalEntry {
  return {
    threadId: 't',
    key,
    site: key.split('/')[0]!,
    kind: 'llm',
    effect: 'idempotent',
    name: 'cheap',
    status: 'completed',
    startedAt: 0,
    output: { response: { content: text, toolCalls: [] } },
    meta: {
      summaryOf: { messages, hash: coverageHash(oldest(messages), redactor), ...coverage },
    },
  };
}

/** A call's scope over `journal`, in a run whose state lists `historySummaries`. */
function scopeOver(journal: JournalEntry[], historySummaries: HistorySummaryRef[]) {
  const byKey = new Map(journal.map((entry) => [entry.key, entry]));
  return {
    run: { historySummaries },
    readJournal: async (key: string) => byKey.get(key),
  } as unknown as ModelCallScope;
}

const refOf = (entry: JournalEntry): HistorySummaryRef => ({
  key: entry.key,
  ...(entry.meta!.summaryOf as { messages: number; hash: string }),
});

const options = {
  context,
  key: 'reply#3/0:summary',
  counter: wordCounter,
  redactor,
  fenceIdFrom: (text: string) => redactor.text(text),
};

describe('startingSummary', () => {
  const two = record('reply#1/0:summary', 2, 'two');
  const four = record('reply#2/0:summary', 4, 'four');

  it("starts from the run's summary that stands for most of the request's oldest history", async () => {
    const scope = scopeOver([two, four], [refOf(four), refOf(two)]);
    const found = await startingSummary({ ...options, scope });
    expect(found?.recordedAt).toBe(four.key);
    expect(found?.summary).toMatchObject({ text: 'four', covers: oldest(4), untrusted: false });
    // The very message objects of the request: the planner puts the summary in their place.
    expect(found?.summary.covers[0]).toBe(conversation[1]);
  });

  it('passes over summaries of other messages, and records it cannot read', async () => {
    const elsewhere = { ...four, meta: { summaryOf: { messages: 4, hash: 'f'.repeat(32) } } };
    const unfinished = { ...record('reply#2/1:summary', 6, 'six'), status: 'started' as const };
    const scope = scopeOver(
      [two, elsewhere, unfinished],
      [refOf(two), refOf(elsewhere), refOf(unfinished)],
    );
    expect((await startingSummary({ ...options, scope }))?.recordedAt).toBe(two.key);
    expect(
      await startingSummary({ ...options, scope: scopeOver([], [refOf(two)]) }),
    ).toBeUndefined();
  });

  it('starts a call recorded before a restart from the summary its record names, whatever the run sent since', async () => {
    const own = record(options.key, 4, 'four and more', { from: two.key });
    const scope = scopeOver([two, four, own], [refOf(two), refOf(four)]);
    expect((await startingSummary({ ...options, scope }))?.recordedAt).toBe(two.key);
    // Recorded as starting from none: it starts from none again.
    const alone = record(options.key, 4, 'four');
    expect(
      await startingSummary({ ...options, scope: scopeOver([two, alone], [refOf(two)]) }),
    ).toBeUndefined();
  });

  it('rebuilds the text as stored and as sent: redacted, trimmed and cut to its budget, fenced when it was', async () => {
    const long = record('reply#1/0:summary', 2, `  mail ada@example.com ${words(80)}  `, {
      maxTokens: 40,
      untrusted: true,
    });
    const found = await startingSummary({ ...options, scope: scopeOver([long], [refOf(long)]) });
    const { text, untrusted, item } = found!.summary;
    expect(text).toMatch(/^mail \[REDACTED:email] w0 .*cut here.* w79$/s);
    expect(wordCounter.countText(text)).toBeLessThanOrEqual(40);
    expect(untrusted).toBe(true);
    expect(item.messages[0]).toMatchObject({ role: 'user', untrusted: true });
    expect(item.messages[0]!.content).toContain(
      '<<untrusted data from a summary of earlier messages',
    );
  });
});
