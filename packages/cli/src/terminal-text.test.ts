import { describe, expect, it } from 'vitest';
import { jsonForTerminal, terminalSafe, terminalWriter } from './terminal-text';

describe('terminalSafe', () => {
  it('writes out escape sequences, line breaks and other controls visibly', () => {
    expect(terminalSafe('a\u001b[2Jb')).toBe('a\\e[2Jb');
    expect(terminalSafe('title\u001b]0;owned\u0007')).toBe('title\\e]0;owned\\u0007');
    expect(terminalSafe('row\nfake-row  done\r')).toBe('row\\nfake-row  done\\r');
    expect(terminalSafe('\u009b31m c1 \u0085')).toBe('\\u009b31m c1 \\u0085');
    expect(terminalSafe('\u0000\u007f\t')).toBe('\\u0000\\u007f\\t');
    expect(terminalSafe('abc\u202edcba\u2066x\u2069\u2028')).toBe(
      'abc\\u202edcba\\u2066x\\u2069\\u2028',
    );
  });

  it('leaves printable text alone, in any script', () => {
    const text = 'b:T-101 → done · Größe 東京 🙂 "quoted" \\n';
    expect(terminalSafe(text)).toBe(text);
  });
});

describe('jsonForTerminal', () => {
  it('escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { text: 'a\u009b31m\u202eb\u2028\u007f', n: 1 };
    const json = jsonForTerminal(value);
    expect(json).toBe('{"text":"a\\u009b31m\\u202eb\\u2028\\u007f","n":1}');
    expect(JSON.parse(json)).toEqual(value);
    expect(jsonForTerminal(undefined)).toBe('null');
  });
});

describe('terminalWriter', () => {
  it('keeps the final line break of a write and shows any other', () => {
    const written: string[] = [];
    const out = terminalWriter({ write: (text: string) => written.push(text) });
    out.write('error   page\r\ndone  fake\u001b[2J\n');
    out.write('no break');
    expect(written).toEqual(['error   page\\r\\ndone  fake\\e[2J\n', 'no break']);
  });
});

describe('characters drawn as nothing (issue: the CLI printed order\u200b-1 as order-1)', () => {
  it('writes out zero-width spaces, tag characters and the other default-ignorable code points, as the studio does', () => {
    // Two threads, `order-1` and `order\u200b-1`, were listed as the same id; the tag
    // characters spelled a hidden sentence in a prompt that the terminal did not show.
    expect(terminalSafe('order\u200b-1')).toBe('order\\u200b-1');
    expect(terminalSafe('ok\u{e0049}\u{e0047}')).toBe('ok\\u{e0049}\\u{e0047}');
    expect(terminalSafe('\ufeffa\u2060b\u3164c\u00add')).toBe('\\ufeffa\\u2060b\\u3164c\\u00add');
    const value = { to: 'boss@corp.com\u{e0041}', note: 'a\u200bb' };
    const json = jsonForTerminal(value, 2);
    expect(json).toBe('{\n  "to": "boss@corp.com\\udb40\\udc41",\n  "note": "a\\u200bb"\n}');
    expect(JSON.parse(json)).toEqual(value);
  });
});
