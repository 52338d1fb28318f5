import type { TenderReport } from './run-batch';

/** The batch's outcomes as a plain-text table with a totals line. */
export function formatTable(reports: readonly TenderReport[]): string {
  const rows = reports.map((report) => [
    report.tenderId,
    truncate(report.title, 34),
    report.outcome,
    truncate(report.stopReason, 46),
    String(report.tokens),
    `$${report.costUsd.toFixed(5)}`,
    `${report.ms} ms`,
  ]);
  const total = (pick: (report: TenderReport) => number) =>
    reports.reduce((sum, report) => sum + pick(report), 0);
  const counts = new Map<string, number>();
  for (const report of reports) counts.set(report.outcome, (counts.get(report.outcome) ?? 0) + 1);
  rows.push([
    'total',
    `${reports.length} tenders`,
    '',
    '',
    String(total((r) => r.tokens)),
    `$${total((r) => r.costUsd).toFixed(5)}`,
    `${total((r) => r.ms)} ms`,
  ]);
  const header = ['tender', 'title', 'outcome', 'stop reason', 'tokens', 'cost', 'time'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const summary = [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ');
  return [
    line(header),
    rule,
    ...rows.slice(0, -1).map(line),
    rule,
    line(rows.at(-1)!),
    '',
    `outcomes: ${summary}`,
  ].join('\n');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
