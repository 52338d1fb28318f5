import type { BudgetLedger, SectionTokens, TrimRecord } from './types';
import type { WorkingContext } from './working-context';

/** What a ledger is made from: a finished planning, or its sums when nothing was trimmed. */
export type LedgerSource = Pick<
  WorkingContext,
  'counter' | 'capacity' | 'reserve' | 'framingTokens' | 'trimmed' | 'inputTokens' | 'sectionTokens'
>;

/** Options of {@link ledgerOf}. */
export interface LedgerOfOptions {
  working: LedgerSource;
  model: string;
  contextWindow: number;
  sectionsBefore: SectionTokens;
  inputTokensBefore: number;
}

/**
 * The ledger of a finished plan, frozen: it reaches `budget.ledger` listeners and the model
 * call's journal records as the same objects, so a listener must not be able to change what
 * the journal stores.
 */
export function ledgerOf({
  working,
  model,
  contextWindow,
  sectionsBefore,
  inputTokensBefore,
}: LedgerOfOptions): BudgetLedger {
  const sections = working.sectionTokens();
  const inputTokens = working.inputTokens;
  const share = (tokens: number) => shareOfWindow(tokens, contextWindow);
  for (const record of working.trimmed) Object.freeze(record);
  return Object.freeze({
    model,
    encoding: working.counter.encoding,
    exact: working.counter.exact,
    contextWindow,
    capacity: working.capacity,
    sections: Object.freeze(sections),
    sectionsBefore: Object.freeze(sectionsBefore),
    framingTokens: working.framingTokens,
    inputTokens,
    inputTokensBefore,
    reservedOutputTokens: working.reserve,
    freeTokens: working.capacity - inputTokens - working.reserve,
    trimmed: Object.freeze(working.trimmed) as TrimRecord[],
    tokenTax: share(inputTokens - sections.input),
    tokenTaxBefore: share(inputTokensBefore - sectionsBefore.input),
    fixedTax: share(sections.system + sections.tools + working.framingTokens),
  });
}

/** `tokens` as a share of the window, to six decimals (enough for a million-token window). */
export function shareOfWindow(tokens: number, contextWindow: number): number {
  return Math.round((tokens / contextWindow) * 1e6) / 1e6;
}
