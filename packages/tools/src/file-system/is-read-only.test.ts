import { describe, expect, it } from 'vitest';
import { isReadOnly } from './is-read-only';

describe('isReadOnly', () => {
  const file = (mode: number) => ({ mode: 0o100000 | mode, uid: 1000, gid: 2000 });

  it('reads the write bit of the class the process falls in', () => {
    const owner = { uid: 1000, groups: [3000] };
    const member = { uid: 1001, groups: [1001, 2000] };
    const other = { uid: 1002, groups: [1002] };
    expect(isReadOnly(file(0o644), owner)).toBe(false);
    expect(isReadOnly(file(0o444), owner)).toBe(true);
    expect(isReadOnly(file(0o464), owner)).toBe(true);
    expect(isReadOnly(file(0o644), member)).toBe(true);
    expect(isReadOnly(file(0o664), member)).toBe(false);
    expect(isReadOnly(file(0o664), other)).toBe(true);
    expect(isReadOnly(file(0o666), other)).toBe(false);
  });

  it('holds root, which the kernel lets write anything, to any write bit at all', () => {
    const root = { uid: 0, groups: [0] };
    expect(isReadOnly(file(0o444), root)).toBe(true);
    expect(isReadOnly(file(0o400), root)).toBe(true);
    expect(isReadOnly(file(0o644), root)).toBe(false);
    expect(isReadOnly(file(0o404 | 0o020), root)).toBe(false);
  });

  it('falls back to any write bit where the process has no user ids', () => {
    expect(isReadOnly(file(0o444), undefined)).toBe(true);
    expect(isReadOnly(file(0o604), undefined)).toBe(false);
  });
});
