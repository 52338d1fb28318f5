import { CliError } from '../cli-error';
import type { EvalCase } from './types';

/**
 * Parses a golden dataset: one JSON object per line with an `input` (and usually an
 * `expected`, an `id`, a `trajectory`); blank lines are skipped. A row that is not JSON, not
 * an object, has no `input` or repeats an id is refused, naming its line.
 */
export function parseDataset(text: string, file: string): EvalCase[] {
  const cases: EvalCase[] = [];
  const ids = new Map<string, number>();
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const where = `${file}:${index + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new CliError(
        'cli.load_failed',
        `${where} is not JSON (${(error as Error).message}). Each line of a dataset is one JSON object.`,
      );
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row) || !('input' in row)) {
      throw new CliError(
        'cli.load_failed',
        `${where} has no "input": each line is an object like {"id": "case-1", "input": …, "expected": …}.`,
      );
    }
    const record = row as Record<string, unknown>;
    if (
      record.trajectory !== undefined &&
      !(
        Array.isArray(record.trajectory) &&
        record.trajectory.every((state) => typeof state === 'string')
      )
    ) {
      throw new CliError(
        'cli.load_failed',
        `${where}: "trajectory" must be a list of state names, e.g. ["classifying", "routed"].`,
      );
    }
    const id =
      typeof record.id === 'string' || typeof record.id === 'number'
        ? String(record.id)
        : `line ${index + 1}`;
    const earlier = ids.get(id);
    if (earlier !== undefined) {
      throw new CliError(
        'cli.load_failed',
        `${where} repeats the id "${id}" of line ${earlier}; ids name cases in reports, so they must be unique.`,
      );
    }
    ids.set(id, index + 1);
    cases.push({ ...record, id, input: record.input } as EvalCase);
  }
  if (cases.length === 0) {
    throw new CliError('cli.load_failed', `${file} has no cases: write one JSON object per line.`);
  }
  return cases;
}
