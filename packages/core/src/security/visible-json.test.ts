import { describe, expect, it } from 'vitest';
import { defaultApprovalPrompt } from '../effects/ask-approval';
import { visibleJson } from './visible-json';

describe('visibleJson', () => {
  it('writes invisible and reordering characters as escapes, and parses back to the same value', () => {
    const value = {
      to: 'alice@examp\u200ble.com',
      note: '\u202emoc.live\u2066x\u2069\u00ad\ufeff',
    };
    const json = visibleJson(value);
    expect(json).toBe(
      '{"note":"\\u202emoc.live\\u2066x\\u2069\\u00ad\\ufeff","to":"alice@examp\\u200ble.com"}',
    );
    expect(JSON.parse(json)).toEqual(value);
  });

  it('writes every default-ignorable character as an escape: tag characters spelled a hidden sentence', () => {
    // Before: Unicode tag characters (U+E0000–E007F), variation selectors, U+034F, the
    // Mongolian selectors and the shorthand format controls passed through unescaped.
    const hidden = [...'card 4111 pw x'].map((c) =>
      String.fromCodePoint(0xe0000 + c.codePointAt(0)!),
    );
    const value = { body: `See you at 3pm.${hidden.join('')}\ufe0f\u034f\u180b\u{1bca0}\u{e0100}` };
    const json = visibleJson(value);
    expect(json).toBe(
      `{"body":"See you at 3pm.${hidden.map((c) => `\\u${c.charCodeAt(0).toString(16)}\\u${c.charCodeAt(1).toString(16)}`).join('')}\\ufe0f\\u034f\\u180b\\ud82f\\udca0\\udb40\\udd00"}`,
    );
    expect(JSON.parse(json)).toEqual(value);
    expect([...json].every((c) => c.codePointAt(0)! >= 0x20 && c.codePointAt(0)! < 0x7f)).toBe(
      true,
    );
  });

  it('leaves visible text in any script alone', () => {
    expect(visibleJson({ city: 'Zürich 東京 🙂 Ελλάδα' })).toBe('{"city":"Zürich 東京 🙂 Ελλάδα"}');
    expect(visibleJson({ to: 'Москва\nРоссия', note: 'Ελλάδα, Αθήνα' })).toBe(
      '{"note":"Ελλάδα, Αθήνα","to":"Москва\\nРоссия"}',
    );
  });

  it('writes look-alike letters among Latin ones as escapes, and parses back to the same value', () => {
    const value = {
      // Cyrillic а and о, Greek ο, Armenian ս, with Latin letters in the same word.
      to: 'billing@p\u0430yp\u0430l.com',
      url: 'https://g\u043e\u03bfgle.com/login',
      host: 'ra\u057dt.io',
      // Cyrillic look-alikes alone, before a Latin top-level domain: the same address.
      site: '\u0440\u0430\u0443\u0440\u0430.com',
      // Fullwidth and mathematical letters, anywhere.
      amount: '\uff11\uff10\uff10 \ud835\udc1e\ud835\udc2e\ud835\udc2b',
    };
    const json = visibleJson(value);
    expect(json).toBe(
      '{"amount":"\\uff11\\uff10\\uff10 \\ud835\\udc1e\\ud835\\udc2e\\ud835\\udc2b","host":"ra\\u057dt.io","site":"\\u0440\\u0430\\u0443\\u0440\\u0430.com","to":"billing@p\\u0430yp\\u0430l.com","url":"https://g\\u043e\\u03bfgle.com/login"}',
    );
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('defaultApprovalPrompt', () => {
  it('shows a person the look-alike letters an address holds', () => {
    const prompt = defaultApprovalPrompt({
      tool: 'send_payment',
      arguments: { to: 'billing@p\u0430ypal.com', amount: 100 },
    });
    expect(prompt).toBe(
      'Allow the call of tool "send_payment" with these exact arguments? {"amount":100,"to":"billing@p\\u0430ypal.com"}',
    );
  });

  it('shows a person the zero-width and bidirectional characters the arguments hold (issue 13)', () => {
    const prompt = defaultApprovalPrompt({
      tool: 'send_email',
      arguments: { to: 'alice@examp\u200ble.com', body: 'pay \u202e0001' },
    });
    expect(prompt).toBe(
      'Allow the call of tool "send_email" with these exact arguments? {"body":"pay \\u202e0001","to":"alice@examp\\u200ble.com"}',
    );
  });
});
