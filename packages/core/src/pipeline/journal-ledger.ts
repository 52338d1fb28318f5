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
  const { sectionsBefore, inputTokensBefore, tokenTaxBefore, trimmed } = ledger;
  // The other fields copied in their order by a loop: every model call makes this record, and
  // a rest pattern (`...kept`) copies several times slower.
  const kept: Record<string, unknown> = {};
  for (const key in ledger) {
    if (!beforeBudgeting.has(key)) kept[key] = ledger[key as keyof BudgetLedger];
  }
  if (!sameSections(sectionsBefore, ledger.sections)) kept.sectionsBefore = sectionsBefore;
  if (inputTokensBefore !== ledger.inputTokens) kept.inputTokensBefore = inputTokensBefore;
  if (tokenTaxBefore !== ledger.tokenTax) kept.tokenTaxBefore = tokenTaxBefore;
  if (trimmed.length > 0) kept.trimmed = trimmed;
  return kept as Partial<BudgetLedger>;
}

/** The fields {@link journalLedger} keeps only where budgeting changed something. */
const beforeBudgeting: ReadonlySet<string> = new Set([
  'sectionsBefore',
  'inputTokensBefore',
  'tokenTaxBefore',
  'trimmed',
]);

function sameSections(before: SectionTokens, after: SectionTokens): boolean {
  if (before === after) return true;
  let count = 0;
  for (const key in after) {
    if (before[key as keyof SectionTokens] !== after[key as keyof SectionTokens]) return false;
    count++;
  }
  return count === Object.keys(before).length;
}
