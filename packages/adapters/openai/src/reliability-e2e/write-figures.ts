import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The environment variable that makes the end-to-end tests keep their measurements. */
export const writeFiguresVariable = 'AGENTCHART_WRITE_FIGURES';

/** Where the measurements go: the workspace's cache folder, never the source tree. */
export const figuresDirectory = join(
  process.cwd(),
  'node_modules',
  '.cache',
  'agentchart',
  'reliability',
);

/**
 * Keeps one test file's measurements, as `<name>.json` and as the markdown table that
 * docs/reliability.md shows (`<name>.md`), in {@link figuresDirectory} — only when
 * `AGENTCHART_WRITE_FIGURES` is set, so an ordinary test run writes and prints nothing.
 * Returns the paths written.
 */
export async function writeFigures(
  name: string,
  figures: unknown,
  markdown: string,
): Promise<string[]> {
  if (!process.env[writeFiguresVariable]) return [];
  await mkdir(figuresDirectory, { recursive: true });
  const json = join(figuresDirectory, `${name}.json`);
  const table = join(figuresDirectory, `${name}.md`);
  await writeFile(json, `${JSON.stringify(figures, null, 2)}\n`);
  await writeFile(table, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return [json, table];
}

/** A markdown table from a header row and rows of cells. */
export function markdownTable(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
