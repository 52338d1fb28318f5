import { cutMiddle } from '../budget/cut-middle';
import { type HistorySummary, historySummary } from '../budget/history-summary';
import type { TokenCounter } from '../budget/token-counter';
import type { ContextInput } from '../budget/types';
import type { RecordedModelCall } from '../ledger/recorded-model-call';
import type { JournalEntry } from '../ledger/types';
import type { Redactor } from '../security/create-redactor';
import { holdsUntrustedData } from '../security/fence-untrusted';
import { coveredMessages, type SummaryCoverage } from './summary-coverage';
import type { ModelCallScope } from './types';

/** Options of {@link startingSummary}. */
export interface StartingSummaryOptions {
  scope: ModelCallScope;
  /** The request's context, as the budget plans it. */
  context: ContextInput;
  /** The journal key of the call's own summary step (`…/N:summary`). */
  key: string;
  counter: TokenCounter;
  redactor: Redactor;
  fenceIdFrom: (summary: string) => string;
}

/** A summary to start from, and the journal key of the record it was rebuilt from. */
export interface StartingSummary {
  summary: HistorySummary;
  recordedAt: string;
}

/**
 * The summary an effect that has none of its own starts a compressed call from: one the
 * run's earlier calls sent, whose messages the request's oldest unpinned history is, rebuilt
 * from its journal record (the text as stored) — the one standing for most of them. A call
 * recorded before a restart starts from the summary its record names (`summaryOf.from`), or
 * from none when it names none: a resumed run plans as the first run did, whatever summaries
 * the run sent since, in whatever order parallel effects sent them.
 */
export async function startingSummary(
  options: StartingSummaryOptions,
): Promise<StartingSummary | undefined> {
  const { scope, context, key, redactor } = options;
  const own = await scope.readJournal(key);
  if (own?.status === 'completed') {
    const from = coverageOf(own)?.from;
    return from === undefined ? undefined : rebuilt(options, from);
  }
  // The longest first: a chat's latest summary stands for the most of it.
  const candidates = [...scope.run.historySummaries].sort((a, b) => b.messages - a.messages);
  for (const ref of candidates) {
    if (!coveredMessages(context, ref, redactor)) continue;
    const found = await rebuilt(options, ref.key);
    if (found) return found;
  }
  return undefined;
}

/** What the summary record `entry` says it stands for, if it says so. */
export function coverageOf(entry: JournalEntry): SummaryCoverage | undefined {
  const coverage = entry.meta?.summaryOf as SummaryCoverage | undefined;
  return typeof coverage?.messages === 'number' && typeof coverage.hash === 'string'
    ? coverage
    : undefined;
}

/**
 * The summary recorded at `recordedAt`, standing for the messages of `context` it covers;
 * undefined when the record is missing or unfinished, or the context's oldest history is not
 * exactly what it stands for.
 */
async function rebuilt(
  { scope, context, counter, redactor, fenceIdFrom }: StartingSummaryOptions,
  recordedAt: string,
): Promise<StartingSummary | undefined> {
  const entry = await scope.readJournal(recordedAt);
  const coverage = entry?.status === 'completed' ? coverageOf(entry) : undefined;
  if (!entry || !coverage) return undefined;
  const covers = coveredMessages(context, coverage, redactor);
  if (!covers) return undefined;
  // The text as stored, whether or not this process wrote it: every run that starts from
  // this record sends the same text.
  const recorded = redactor.value(entry.output) as RecordedModelCall;
  const answer = recorded.response.content;
  // A summariser's answer was trimmed and cut to its budget before it was sent.
  const text =
    coverage.maxTokens === undefined
      ? answer
      : cutMiddle(answer.trim(), { maxTokens: coverage.maxTokens, counter, what: 'the summary' });
  let coveredTokens = 0;
  for (const message of covers) coveredTokens += counter.countMessage(message);
  const summary = historySummary({
    covers,
    coveredTokens,
    counter,
    text,
    // Fenced when it was, or when what it stands for holds fenced content.
    untrusted:
      coverage.untrusted === true || covers.some((message) => holdsUntrustedData(message.content)),
    fenceIdFrom,
  });
  return { summary, recordedAt };
}
