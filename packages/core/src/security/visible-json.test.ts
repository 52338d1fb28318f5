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

  it('leaves visible text in any script alone', () => {
    expect(visibleJson({ city: 'Zürich 東京 🙂 Ελλάδα' })).toBe('{"city":"Zürich 東京 🙂 Ελλάδα"}');
  });
});

describe('defaultApprovalPrompt', () => {
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
