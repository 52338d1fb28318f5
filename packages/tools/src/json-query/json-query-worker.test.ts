import { describe, expect, it } from 'vitest';
import { boundedJson, evaluateJsonQuery } from './json-query-worker';

const catalog = {
  items: [
    { id: 1, name: 'pen', price: 2, tags: ['office'] },
    { id: 2, name: 'lamp', price: 30, tags: ['home', 'light'] },
    { id: 3, name: 'desk', price: 120, tags: ['office', 'home'] },
  ],
};
const run = (query: string, maxOutputChars = 10_000) =>
  evaluateJsonQuery({ query, document: { value: catalog }, maxOutputChars });

describe('evaluateJsonQuery', () => {
  it.each([
    ['items[?price < `50`].name', '["pen","lamp"]'],
    ['length(items)', '3'],
    [
      'items[?contains(tags, `"home"`)].{id: id, name: name}',
      '[{"id":2,"name":"lamp"},{"id":3,"name":"desk"}]',
    ],
    ['max_by(items, &price).name', '"desk"'],
    ['sum(items[*].price)', '152'],
    ['items[0].missing', 'null'],
  ])('evaluates %s', (query, json) => {
    expect(run(query)).toEqual({ ok: true, json, truncated: false });
  });

  it('parses a document passed as text and says when it is not JSON', () => {
    expect(
      evaluateJsonQuery({ query: 'a', document: { text: '{"a": 1}' }, maxOutputChars: 100 }),
    ).toMatchObject({
      json: '1',
    });
    expect(
      evaluateJsonQuery({ query: 'a', document: { text: '{a: 1}' }, maxOutputChars: 100 }),
    ).toMatchObject({
      ok: false,
      code: 'json_query.invalid_document',
    });
  });

  it('says what is wrong with a query', () => {
    expect(run('items[?')).toMatchObject({ ok: false, code: 'json_query.invalid_query' });
    expect(run('eval(`1`)')).toMatchObject({ ok: false, code: 'json_query.invalid_query' });
  });

  it('treats JavaScript in a query as a literal or a syntax error, never as code', () => {
    (globalThis as { pwned?: boolean }).pwned = false;
    for (const query of [
      '`"constructor"`',
      'constructor.constructor',
      '__proto__',
      "items[?name == 'x'; globalThis.pwned = true]",
      '`{"__proto__": {"pwned": true}}`',
    ]) {
      run(query);
    }
    expect((globalThis as { pwned?: boolean }).pwned).toBe(false);
    expect(({} as { pwned?: boolean }).pwned).toBeUndefined();
    delete (globalThis as { pwned?: boolean }).pwned;
  });

  it('cuts a result that doubles at every step without building it whole', () => {
    const bomb = Array.from({ length: 40 }, () => '{a: @, b: @}').join(' | ');
    const result = run(bomb, 1_000);
    expect(result).toMatchObject({ ok: true, truncated: true });
    expect((result as { json: string }).json).toHaveLength(1_000);
  });
});

describe('boundedJson', () => {
  it('writes JSON as JSON.stringify does when it fits', () => {
    const value = { a: [1, 'two', null, { b: true }], c: undefined, d: 'é"\n' };
    expect(boundedJson(value, 1_000)).toEqual({ json: JSON.stringify(value), truncated: false });
  });
});
