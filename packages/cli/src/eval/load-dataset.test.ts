import { describe, expect, it } from 'vitest';
import { parseDataset } from './load-dataset';

describe('parseDataset', () => {
  it('reads a dataset saved with a byte order mark, as Windows editors and spreadsheets write it (BOM)', () => {
    const cases = parseDataset(
      '\uFEFF{"id": "g01", "input": 1}\r\n{"id": "g02", "input": 2}\r\n',
      'golden.jsonl',
    );
    expect(cases.map((row) => [row.id, row.input])).toEqual([
      ['g01', 1],
      ['g02', 2],
    ]);
  });

  it('refuses an id that is neither a string nor a number, naming its line, rather than renaming the case (ids)', () => {
    expect(() =>
      parseDataset('{"id": "a", "input": 1}\n{"id": {"n": 2}, "input": 2}\n', 'golden.jsonl'),
    ).toThrow(
      expect.objectContaining({
        code: 'cli.usage',
        message:
          'golden.jsonl:2: "id" is {"n":2}; an id is a string or a number that names the case in reports, such as "case-2". Leave it out to name the case by its line.',
      }),
    );
  });

  it('refuses a field a typo away from one the eval reads, and keeps other fields for scorers', () => {
    // Before: "expcted" was kept as a field of its own, and the case scored against nothing.
    expect(() =>
      parseDataset('{"input": 1, "expected": 2}\n{"input": 1, "expcted": 2}\n', 'golden.jsonl'),
    ).toThrow(/^golden\.jsonl:2 has "expcted"; did you mean "expected"\?/);
    const [row] = parseDataset('{"input": 1, "expected": 2, "category": "billing"}\n', 'g.jsonl');
    expect(row).toMatchObject({ category: 'billing' });
  });

  it('names the line of a row that is not JSON, and the first of two with one id', () => {
    expect(() => parseDataset('{"input": 1}\n{"input": 2,}\n', 'd.jsonl')).toThrow(
      /^d\.jsonl:2 is not JSON/,
    );
    expect(() =>
      parseDataset('{"id": 1, "input": 1}\n{"id": "1", "input": 2}\n', 'd.jsonl'),
    ).toThrow('d.jsonl:2 repeats the id "1" of line 1');
  });

  it("keeps a row's replies, and refuses replies that are not a list (eval replies)", () => {
    expect(
      parseDataset('{"input": 1, "replies": [{"approved": true}]}\n', 'd.jsonl')[0]?.replies,
    ).toEqual([{ approved: true }]);
    expect(() => parseDataset('{"input": 1, "replies": {"approved": true}}\n', 'd.jsonl')).toThrow(
      expect.objectContaining({
        code: 'cli.usage',
        message: expect.stringMatching(/^d\.jsonl:1: "replies" must be a list/),
      }),
    );
  });
});
