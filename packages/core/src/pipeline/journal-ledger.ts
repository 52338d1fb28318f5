import type { BudgetLedger, SectionTokens } from '../budget/types';

/**
 * The token ledger as a model call's journal records keep it: the figures from before
 * budgeting (`sectionsBefore`, `inputTokensBefore`, `tokenTaxBefore`) only where budgeting
 * changed them, and `trimmed` only when something was trimmed. Most calls trim nothing, and a
 * call's intent and its result each carry the ledger: that is about a third of the ledger's
 * bytes on both. A reader takes a missing `…Before` field as the figure after budgeting and a
 * missing `trimmed` as none.
 */
export function journalLedger(ledger: BudgetLedger): Partial<BudgetLedger> {
  const { sectionsBefore, inputTokensBefore, tokenTaxBefore, trimmed, ...kept } = ledger;
  return {
    ...kept,
    ...(sameSections(sectionsBefore, ledger.sections) ? {} : { sectionsBefore }),
    ...(inputTokensBefore === ledger.inputTokens ? {} : { inputTokensBefore }),
    ...(tokenTaxBefore === ledger.tokenTax ? {} : { tokenTaxBefore }),
    ...(trimmed.length === 0 ? {} : { trimmed }),
  };
}

function sameSections(before: SectionTokens, after: SectionTokens): boolean {
  if (before === after) return true;
  const keys = Object.keys(after) as (keyof SectionTokens)[];
  return (
    keys.length === Object.keys(before).length && keys.every((key) => before[key] === after[key])
  );
}
