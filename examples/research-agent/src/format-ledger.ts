import type { BudgetLedger } from '@agentchart/core';

/** One model call's budget ledger in a line: tokens per section as sent (requested), what was trimmed, the token tax. */
export function formatLedger(callId: string, ledger: BudgetLedger): string {
  const sections = (['system', 'tools', 'history', 'input'] as const)
    .map((section) => {
      const before = ledger.sectionsBefore[section];
      const after = ledger.sections[section];
      return `${section} ${after}${before === after ? '' : ` (${before})`}`;
    })
    .join(', ');
  const trimmed = ledger.trimmed
    .map(
      (record) =>
        `${record.strategy} ${record.messages} message(s) of ${record.section}: ${record.tokensBefore}→${record.tokensAfter}`,
    )
    .join('; ');
  return `${callId}: ${ledger.inputTokens}/${ledger.capacity} input tokens (requested ${ledger.inputTokensBefore}) — ${sections}; output reserve ${ledger.reservedOutputTokens}; token tax ${(ledger.tokenTax * 100).toFixed(0)}%${trimmed ? `\n    trimmed: ${trimmed}` : ''}`;
}
