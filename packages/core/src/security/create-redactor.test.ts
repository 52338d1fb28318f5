import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../errors/definition-error';
import { createRedactor } from './create-redactor';

const key = 'sk-canary-1234567890abcdefghij';

describe('createRedactor', () => {
  it('replaces configured secrets and model keys in text, URL-encoded forms included', () => {
    const redactor = createRedactor({
      secrets: ['hunter2-password'],
      modelSecrets: [key],
      environment: false,
    });
    expect(redactor.text(`key=${key}; pw hunter2-password`)).toBe(
      'key=[REDACTED:api-key]; pw [REDACTED:secret]',
    );
    const withSlash = createRedactor({ secrets: ['a/b+c=d!'], environment: false });
    expect(withSlash.text(`?token=${encodeURIComponent('a/b+c=d!')}`)).toBe(
      '?token=[REDACTED:secret]',
    );
  });

  it('says where in a text the secrets and matches it replaces lie', () => {
    const redactor = createRedactor({
      secrets: ['hunter2-hunter2'],
      patterns: ['email'],
      environment: false,
    });
    const text = 'pw hunter2-hunter2 to ada@example.com, again hunter2-hunter2';
    const spans = redactor.spans(text).sort(([a], [b]) => a - b);
    expect(spans.map(([start, end]) => text.slice(start, end))).toEqual([
      'hunter2-hunter2',
      'ada@example.com',
      'hunter2-hunter2',
    ]);
    expect(createRedactor({ environment: false }).spans(text)).toEqual([]);
  });

  it('replaces a secret with a quote or a backslash inside JSON text, where it is written escaped (issue 13)', () => {
    const secret = 'Xy"9\\q!Zr$tT';
    const redactor = createRedactor({ secrets: [secret], environment: false });
    // A tool result as the model reads it, and as the journal keeps it: JSON text.
    const json = JSON.stringify({ password: secret });
    expect(redactor.text(json)).toBe('{"password":"[REDACTED:secret]"}');
    expect(redactor.value({ content: json, raw: secret })).toEqual({
      content: '{"password":"[REDACTED:secret]"}',
      raw: '[REDACTED:secret]',
    });
  });

  it('reads credentials from environment variables named like them, not other variables', () => {
    const redactor = createRedactor({
      env: {
        OPENAI_API_KEY: key,
        GITHUB_TOKEN: 'ghp_abcdefghijklmnop',
        DB_PASSWORD: 'correct horse battery',
        TOKENIZERS_PARALLELISM: 'false-but-long',
        HOME: '/home/someone-long',
        SHORT_TOKEN: 'abc',
      },
    });
    expect(redactor.text(`${key} ghp_abcdefghijklmnop correct horse battery`)).toBe(
      '[REDACTED:OPENAI_API_KEY] [REDACTED:GITHUB_TOKEN] [REDACTED:DB_PASSWORD]',
    );
    expect(redactor.text('false-but-long /home/someone-long abc')).toBe(
      'false-but-long /home/someone-long abc',
    );
  });

  it('treats short model keys as placeholders and refuses short configured secrets', () => {
    const redactor = createRedactor({ modelSecrets: ['ollama'], environment: false });
    expect(redactor.active).toBe(false);
    expect(redactor.text('ollama runs locally')).toBe('ollama runs locally');
    const error = (() => {
      try {
        createRedactor({ secrets: ['abc'] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(DefinitionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/at least 6 characters/);
  });

  it('redacts personal data patterns, checking card numbers and IBANs', () => {
    const redactor = createRedactor({
      patterns: ['email', 'phone', 'credit-card', 'us-ssn', 'iban'],
      environment: false,
    });
    const text = [
      'mail ada.lovelace+work@example.co.uk',
      'call +44 20 7946 0958 or (415) 555-0132',
      'card 4111 1111 1111 1111',
      'not a card 4111 1111 1111 1112',
      'ssn 123-45-6789',
      'iban GB82 WEST 1234 5698 7654 32',
      'not an iban GB00 WEST 1234 5698 7654 32',
    ].join('\n');
    expect(redactor.text(text)).toBe(
      [
        'mail [REDACTED:email]',
        'call [REDACTED:phone] or [REDACTED:phone]',
        'card [REDACTED:credit-card]',
        'not a card 4111 1111 1111 1112',
        'ssn [REDACTED:us-ssn]',
        'iban [REDACTED:iban]',
        'not an iban GB00 WEST 1234 5698 7654 32',
      ].join('\n'),
    );
  });

  it("leaves the harness's identifiers alone: hashes, keys, timestamps, ids", () => {
    const redactor = createRedactor({
      patterns: ['email', 'phone', 'credit-card', 'us-ssn', 'iban'],
      environment: false,
    });
    const identifiers = [
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      '4f1c2d9e8a7b6c5d',
      'working#12/3:tool:send_email',
      '1796422496285',
      '0.invoice.approving#0/0:human',
    ];
    for (const identifier of identifiers) expect(redactor.text(identifier)).toBe(identifier);
  });

  it('copies only what changes, keys and toJSON values included, and survives cycles', () => {
    const redactor = createRedactor({ secrets: ['s3cr3t-value'], environment: false });
    const untouched = { a: [1, 'plain'], b: { c: true } };
    const value = {
      untouched,
      list: ['x', 's3cr3t-value'],
      'key s3cr3t-value': 1,
      error: { toJSON: () => ({ message: 'failed with s3cr3t-value' }) },
      at: new Date(0),
    };
    const redacted = redactor.value(value);
    expect(redacted).not.toBe(value);
    expect(redacted.untouched).toBe(untouched);
    expect(redacted.at).toBe(value.at);
    expect(redacted.list).toEqual(['x', '[REDACTED:secret]']);
    expect(Object.keys(redacted)).toContain('key [REDACTED:secret]');
    expect(redacted.error).toEqual({ message: 'failed with [REDACTED:secret]' });
    expect(value.list[1]).toBe('s3cr3t-value');
    const cyclic: Record<string, unknown> = { text: 's3cr3t-value' };
    cyclic.self = cyclic;
    expect((redactor.value(cyclic) as { text: string }).text).toBe('[REDACTED:secret]');
    expect(redactor.value(untouched)).toBe(untouched);
  });
});

describe('createRedactor sealed values', () => {
  it('reuses the redaction of a frozen node it saw before, and redacts what is new', () => {
    const redactor = createRedactor({ secrets: ['hunter2-secret'], environment: false });
    const shared = Object.freeze({ note: 'hunter2-secret here' });
    const first = redactor.value(Object.freeze({ shared, step: 1 }), { sealed: true });
    const second = redactor.value(
      Object.freeze({ shared, step: 2, added: Object.freeze(['hunter2-secret']) }),
      { sealed: true },
    );
    expect(first.shared).toEqual({ note: '[REDACTED:secret] here' });
    // The same redacted node, not a second walk of it.
    expect(second.shared).toBe(first.shared);
    expect(second.added).toEqual(['[REDACTED:secret]']);
  });

  it('walks a value that is not sealed every time: a node may have changed since', () => {
    const redactor = createRedactor({ secrets: ['hunter2-secret'], environment: false });
    const inner = { note: 'clean' };
    const outer = Object.freeze({ inner });
    expect(redactor.value(outer)).toBe(outer);
    inner.note = 'hunter2-secret';
    expect(redactor.value(outer).inner.note).toBe('[REDACTED:secret]');
  });

  it('refuses a misspelt option or a value of the wrong kind, which would redact nothing', () => {
    const refused: [unknown, RegExp][] = [
      [{ secret: [key] }, /secret is not an option; did you mean secrets\?/],
      [{ environment: 'yes' }, /redact\.environment is the string "yes"/],
      [{ replacement: '***' }, /redact\.replacement is the string "\*\*\*"\. Give a function/],
      [{ secrets: key }, /redact\.secrets is the string/],
      // "[REDACTED:undefined]", and a replacement between every two characters.
      [
        { patterns: [{ label: 'id', pattern: /ID-\d+/g }] },
        /redact\.patterns\[\]\.label is not an option/,
      ],
      [{ patterns: [{ name: 'any', pattern: /(?:)/g }] }, /matches the empty text/],
    ];
    for (const [options, message] of refused) {
      const made = () => createRedactor(options as never);
      expect(made).toThrow(DefinitionError);
      expect(made).toThrow(message);
    }
  });
});
