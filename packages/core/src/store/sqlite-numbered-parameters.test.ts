import { describe, expect, it } from 'vitest';
import { bindsNumberedParameters } from './sqlite-numbered-parameters';

/** node:sqlite as Node 22.13–22.19 and 24.0–24.6 bind `?NNN`: by name, so positional values fail. */
const bindsByName = {
  DatabaseSync: class {
    prepare() {
      return {
        get(): unknown {
          throw new Error('column index out of range');
        },
      };
    }
    close() {}
  },
};

describe('bindsNumberedParameters', () => {
  it("is true for this Node's node:sqlite, whose ?NNN parameters the store binds by position", () => {
    expect(bindsNumberedParameters(process.getBuiltinModule('node:sqlite'))).toBe(true);
  });

  // Before: every run on the embedded store ended failed, "column index out of range".
  it('is false where ?NNN parameters are bound by name', () => {
    expect(bindsNumberedParameters(bindsByName)).toBe(false);
  });
});
