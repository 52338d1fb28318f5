import { describe, expect, it } from 'vitest';
import { displayWidth } from '../terminal-text';
import { formatColumns } from './open-store';

describe('formatColumns with text that is not ASCII (issue: runs misaligned with Japanese thread ids)', () => {
  it('aligns columns by the width a terminal draws, not by length', () => {
    // Padded by length, `注文-１２３` (7 characters, 11 columns) pushed its row's status 4
    // columns right of the header's, and an emoji family 9 columns left of it.
    const table = formatColumns([
      ['thread', 'status', 'agent'],
      ['注文-１２３', 'waiting', 'サポート窓口'],
      ['👨‍👩‍👧‍👦-家族', 'done', 'support'],
      ['order-1', 'waiting', 'e\u0301clair'],
    ]);
    const statusColumns = table.split('\n').map((line) => {
      const status = line.match(/status|waiting|done/)!;
      return displayWidth(line.slice(0, status.index));
    });
    expect(new Set(statusColumns).size).toBe(1);
  });

  it('counts wide characters and emoji as two columns and combining marks as none', () => {
    expect(displayWidth('order-1')).toBe(7);
    expect(displayWidth('注文-１２３')).toBe(11);
    expect(displayWidth('👨‍👩‍👧‍👦')).toBe(2);
    expect(displayWidth('🇯🇵')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('مرحبا')).toBe(5);
  });
});
