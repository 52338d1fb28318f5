import { describe, expect, it } from 'vitest';
import { extractJson } from './extract-json';

describe('extractJson', () => {
  it('parses plain, fenced and chatty answers', () => {
    expect(extractJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('```json\n{"a":2}\n```')).toEqual({ ok: true, value: { a: 2 } });
    expect(extractJson('Sure: {"a":{"b":"}"}} hope it helps')).toEqual({
      ok: true,
      value: { a: { b: '}' } },
    });
    expect(extractJson('list: [1, [2, 3]] end')).toEqual({ ok: true, value: [1, [2, 3]] });
  });

  it('says why when there is no JSON', () => {
    const result = extractJson('I think the tender is relevant.');
    expect(result.ok).toBe(false);
    expect(extractJson('   ')).toEqual({ ok: false, reason: 'the answer was empty' });
  });
});
