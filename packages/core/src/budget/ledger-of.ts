import type { BudgetLedger, SectionTokens } from './types';
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

/** The ledger of a finished plan. */
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
  return {
    model,
    encoding: working.counter.encoding,
    exact: working.counter.exact,
    contextWindow,
    capacity: working.capacity,
    sections,
    sectionsBefore,
    framingTokens: working.framingTokens,
    inputTokens,
    inputTokensBefore,
    reservedOutputTokens: working.reserve,
    freeTokens: working.capacity - inputTokens - working.reserve,
    trimmed: working.trimmed,
    tokenTax: share(inputTokens - sections.input),
    tokenTaxBefore: share(inputTokensBefore - sectionsBefore.input),
    fixedTax: share(sections.system + sections.tools + working.framingTokens),
  };
}

/** `tokens` as a share of the window, to six decimals (enough for a million-token window). */
export function shareOfWindow(tokens: number, contextWindow: number): number {
  return Math.round((tokens / contextWindow) * 1e6) / 1e6;
}
