import type { ChatMessage } from '../model/types';
import { fenceUntrusted } from '../security/fence-untrusted';
import { shareOfWindow } from './ledger-of';
import type { TokenCounter } from './token-counter';
import type { ContextInput, ContextItem, FittingContextPlan, TrimRecord } from './types';

/**
 * A summary a call sent in place of its request's oldest history turns, kept so the next call
 * of the same conversation sends it again — or extends it with the turns that overflow since —
 * instead of summarising the same turns from scratch. Internal to the runtime; treat it as
 * opaque (see `ApplyContextBudgetOptions.summary`).
 */
export interface HistorySummary {
  /** The conversation's messages it stands for, oldest first, each as it was summarised. */
  readonly covers: readonly ChatMessage[];
  readonly contents: readonly string[];
  /** Tokens of the covered messages, counted by `counter`: what the ledger says was compressed. */
  readonly coveredTokens: number;
  readonly counter: TokenCounter;
  /** The summary's text, as its call got it (from the summariser, or from the journal). */
  readonly text: string;
  /** The history item sent for it: the heading and the text, fenced when `untrusted`. */
  readonly item: ContextItem;
  readonly untrusted: boolean;
}

/** Where a fenced summary's content comes from, as its fence names it. */
const summarySource = 'a summary of earlier messages';

/** The line a summary's message starts with, naming how many messages it stands for. */
export function summaryHeading(messages: number): string {
  return `[Summary of ${messages} earlier messages]`;
}

/**
 * Tokens a summary's message takes besides its text: the heading (counted with a nine-digit
 * number of messages, so no conversation's heading takes more), the line break after it and
 * the message's framing. `compress-history` frees room for the text and these together, or
 * the request it compressed would still not fit, its summary already paid for.
 */
export function summaryMessageOverhead(counter: TokenCounter): number {
  return counter.countMessage({ role: 'user', content: `${summaryHeading(999_999_999)}\n` });
}

/** Tokens the fence of a summary takes around its text. */
export function summaryFenceTokens(counter: TokenCounter): number {
  return counter.countText(fenceUntrusted('', summarySource));
}

/** Options of {@link historySummary}. */
export interface HistorySummaryOptions {
  covers: readonly ChatMessage[];
  coveredTokens: number;
  counter: TokenCounter;
  text: string;
  /** True when a covered message held fenced content: the summary is fenced in turn. */
  untrusted: boolean;
  /** The text the fence's id is made from: the summary as it is stored. */
  fenceIdFrom: (summary: string) => string;
}

/** The summary of `covers` whose text is `text`, with the history item that carries it. */
export function historySummary({
  covers,
  coveredTokens,
  counter,
  text,
  untrusted,
  fenceIdFrom,
}: HistorySummaryOptions): HistorySummary {
  const heading = summaryHeading(covers.length);
  const message: ChatMessage = untrusted
    ? {
        role: 'user',
        content: `${heading}\n${fenceUntrusted(text, summarySource, fenceIdFrom(text))}`,
        untrusted: true,
      }
    : { role: 'user', content: `${heading}\n${text}` };
  return {
    covers,
    contents: covers.map((covered) => covered.content),
    coveredTokens,
    counter,
    text,
    item: { section: 'history', label: 'summary', messages: [message] },
    untrusted,
  };
}

/**
 * `context` with `summary` in place of the messages it stands for, or undefined when its
 * history does not start with them. They must be its oldest unpinned history items, whole and
 * unchanged, as `compress-history` picks them: then the summary still says what they said.
 */
export function withHistorySummary(
  context: ContextInput,
  summary: HistorySummary,
): ContextInput | undefined {
  const { covers, contents } = summary;
  const items: ContextItem[] = [];
  let matched = 0;
  for (const item of context.items) {
    if (matched === covers.length || item.section !== 'history' || item.pinned) {
      items.push(item);
      continue;
    }
    // The summary takes the place of the first item it covers, as when it was written.
    if (matched === 0) items.push(summary.item);
    for (const message of item.messages) {
      if (message !== covers[matched] || message.content !== contents[matched]) return undefined;
      matched++;
    }
  }
  return matched === covers.length ? { ...context, items } : undefined;
}

/** The messages `items` stand for, with their tokens: a summary's item stands for what it covers. */
export function coveredBy(
  items: readonly ContextItem[],
  summary: HistorySummary | undefined,
  counter: TokenCounter,
): { covers: ChatMessage[]; coveredTokens: number } {
  const covers: ChatMessage[] = [];
  let coveredTokens = 0;
  for (const item of items) {
    if (item === summary?.item) {
      covers.push(...summary.covers);
      coveredTokens += summary.coveredTokens;
      continue;
    }
    for (const message of item.messages) {
      covers.push(message);
      coveredTokens += counter.countMessage(message);
    }
  }
  return { covers, coveredTokens };
}

/**
 * `plan` with the record of `summary` first in its ledger, and its figures from before
 * budgeting taken as the conversation's: with the history `carried` (an earlier summary,
 * planned in its place) stood for, not the summary itself.
 */
export function withSummaryRecord(
  plan: FittingContextPlan,
  summary: HistorySummary,
  carried: HistorySummary | undefined,
  how: TrimRecord['summary'],
): FittingContextPlan {
  const { counter } = summary;
  const { ledger } = plan;
  const record: TrimRecord = {
    section: 'history',
    strategy: 'compress-history',
    action: 'compressed',
    messages: summary.covers.length,
    tokensBefore: summary.coveredTokens,
    tokensAfter: counter.countMessage(summary.item.messages[0]!),
    ...(how ? { summary: how } : {}),
  };
  const unplanned = carried
    ? carried.coveredTokens - counter.countMessage(carried.item.messages[0]!)
    : 0;
  const inputTokensBefore = ledger.inputTokensBefore + unplanned;
  const sectionsBefore = {
    ...ledger.sectionsBefore,
    history: ledger.sectionsBefore.history + unplanned,
  };
  return {
    ...plan,
    ledger: {
      ...ledger,
      sectionsBefore,
      inputTokensBefore,
      tokenTaxBefore: shareOfWindow(inputTokensBefore - sectionsBefore.input, ledger.contextWindow),
      trimmed: [record, ...ledger.trimmed],
    },
  };
}
