import { closestName } from '@agentchart/core/internal';
import { CliError } from '../cli-error';
import type { EvalCase } from './types';

/**
 * Parses a golden dataset: one JSON object per line with an `input` (and usually an
 * `expected`, an `id`, a `trajectory`, `replies`); blank lines and a leading byte order mark are skipped.
 * A row that is not JSON, not an object, has no `input`, an id that is not a string or a
 * number, or repeats an id is refused, naming its line, as a usage error (exit 2).
 */
export function parseDataset(text: string, file: string): EvalCase[] {
  const cases: EvalCase[] = [];
  const ids = new Map<string, number>();
  // Editors on Windows and spreadsheet exports start a UTF-8 file with a byte order mark,
  // which JSON.parse refuses as an invisible first character.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const where = `${file}:${index + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new CliError(
        'cli.usage',
        `${where} is not JSON (${(error as Error).message}). Each line of a dataset is one JSON object.`,
      );
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row) || !('input' in row)) {
      throw new CliError(
        'cli.usage',
        `${where} has no "input": each line is an object like {"id": "case-1", "input": …, "expected": …}.`,
      );
    }
    const record = row as Record<string, unknown>;
    // Other fields are kept for scorers, but one a letter or two from a field the eval reads,
    // with that field missing, is a typo: "expcted" made every case pass or fail for nothing.
    for (const key of Object.keys(record)) {
      if (caseFields.includes(key)) continue;
      const meant = closestName(key, caseFields);
      if (meant !== undefined && !(meant in record) && key.length > 2) {
        throw new CliError(
          'cli.usage',
          `${where} has "${key}"; did you mean "${meant}"? The eval reads ${caseFields.map((field) => `"${field}"`).join(', ')}; other fields are kept for scorers, but this one would take the place of "${meant}" unread.`,
        );
      }
    }
    if (
      record.trajectory !== undefined &&
      !(
        Array.isArray(record.trajectory) &&
        record.trajectory.every((state) => typeof state === 'string')
      )
    ) {
      throw new CliError(
        'cli.usage',
        `${where}: "trajectory" must be a list of state names, e.g. ["classifying", "routed"].`,
      );
    }
    if (record.replies !== undefined && !Array.isArray(record.replies)) {
      throw new CliError(
        'cli.usage',
        `${where}: "replies" must be a list of what a person answers the run's waits with, in order, e.g. [{"approved": true}].`,
      );
    }
    if (record.id !== undefined && typeof record.id !== 'string' && typeof record.id !== 'number') {
      throw new CliError(
        'cli.usage',
        `${where}: "id" is ${JSON.stringify(record.id).slice(0, 40)}; an id is a string or a number that names the case in reports, such as "case-${index + 1}". Leave it out to name the case by its line.`,
      );
    }
    const id = record.id === undefined ? `line ${index + 1}` : String(record.id);
    const earlier = ids.get(id);
    if (earlier !== undefined) {
      throw new CliError(
        'cli.usage',
        `${where} repeats the id "${id}" of line ${earlier}; ids name cases in reports, so they must be unique.`,
      );
    }
    ids.set(id, index + 1);
    cases.push({ ...record, id, input: record.input } as EvalCase);
  }
  if (cases.length === 0) {
    throw new CliError('cli.usage', `${file} has no cases: write one JSON object per line.`);
  }
  return cases;
}

/** The fields of a dataset row the eval itself reads. */
const caseFields = ['id', 'input', 'expected', 'trajectory', 'replies'];
