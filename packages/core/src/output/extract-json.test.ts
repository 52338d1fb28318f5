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

  it('goes past bracketed prose that is not JSON to the JSON after it', () => {
    expect(extractJson('See {the notes} for details: {"a":1}')).toEqual({
      ok: true,
      value: { a: 1 },
    });
    expect(extractJson('I read :-[ it all. {"a":2}')).toEqual({ ok: true, value: { a: 2 } });
  });

  it('takes the first JSON value the caller accepts, else the first one found', () => {
    const isObject = (value: unknown) => typeof value === 'object' && !Array.isArray(value);
    expect(extractJson('Source [1]: {"a":1}', isObject)).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('Source [1]: {"a":1}')).toEqual({ ok: true, value: [1] });
    expect(extractJson('Source [1] and [2]', isObject)).toEqual({ ok: true, value: [1] });
    // A whole answer that is JSON is the answer: nothing else in it to choose from.
    expect(extractJson('[1]', isObject)).toEqual({ ok: true, value: [1] });
  });

  it('says why when there is no JSON', () => {
    const result = extractJson('I think the tender is relevant.');
    expect(result.ok).toBe(false);
    expect(extractJson('   ')).toEqual({ ok: false, reason: 'the answer was empty' });
  });
});
