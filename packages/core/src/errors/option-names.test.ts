import { describe, expect, it } from 'vitest';
import { checkOptionNames } from './option-names';

describe('checkOptionNames', () => {
  it('says an options object is expected when given a string, not "0 is not an option"', () => {
    const check = () =>
      checkOptionNames('SqliteCheckpointer', 'runs.db' as never, ['path', 'readOnly']);
    expect(check).toThrow(
      /takes an options object, such as \{ path: … \}, not the string "runs.db"/,
    );
    expect(check).not.toThrow(/0 is not an option/);
  });

  it('names the nested option that is not an object', () => {
    expect(() => checkOptionNames('createAgent', 5 as never, ['maxSteps'], 'limits.')).toThrow(
      /createAgent limits takes an options object, such as \{ maxSteps: … \}, not the number 5/,
    );
  });

  it('refuses a misspelt option and names the one meant', () => {
    expect(() => checkOptionNames('SqliteCheckpointer', { readonly: true }, ['readOnly'])).toThrow(
      /readonly is not an option; did you mean readOnly\?/,
    );
  });
});
