import { describe, expect, it } from 'vitest';
import { terminalSafe } from './terminal-text';

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
