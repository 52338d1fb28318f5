import { describe, expect, it } from 'vitest';
import { serializeError } from './agentchart-error';
import { describeThrown } from './describe-thrown';

/** Values user code can throw that cannot be turned into a string the usual way. */
function unprintables(): [string, unknown][] {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const brokenMessage = new TypeError('hidden');
  Object.defineProperty(brokenMessage, 'message', {
    get() {
      throw new Error('getter');
    },
  });
  const trap = () => {
    throw new Error('trap');
  };
  return [
    ['a null-prototype object', Object.create(null)],
    ['an error whose message getter throws', brokenMessage],
    [
      'a Proxy whose every trap throws',
      new Proxy({}, { get: trap, has: trap, getPrototypeOf: trap, ownKeys: trap }),
    ],
    ['a revoked Proxy', revocable.proxy],
    ['an object whose toString throws', { toString: trap }],
  ];
}

describe('describeThrown', () => {
  it('gives the message of an error, a string itself and a symbol its description', () => {
    expect(describeThrown(new Error('boom'))).toBe('boom');
    expect(describeThrown('plain')).toBe('plain');
    expect(describeThrown(Symbol('odd'))).toBe('Symbol(odd)');
    expect(describeThrown(42)).toBe('42');
    expect(describeThrown(undefined)).toBe('undefined');
  });

  it('gives the message of a plain object thrown as an error, which String() reads as [object Object]', () => {
    expect(describeThrown({ status: 529, message: 'Overloaded' })).toBe('Overloaded');
    // Before: "[object Object]". Numbers and flags are named with their values; text, which
    // may quote the request, by its name only.
    expect(describeThrown({ status: 529, retry: true, body: 'for alice@example.com' })).toBe(
      'an object that is not an Error, with no message: { status: 529, retry: true, body }',
    );
    expect(describeThrown({})).toBe('[object Object]');
    expect(describeThrown({ message: 'custom', toString: () => 'its own text' })).toBe(
      'its own text',
    );
  });

  // Issue: a listener throwing Object.create(null) crashed the process from String(error).
  it.each(unprintables())('describes %s without throwing', (_, value) => {
    expect(describeThrown(value)).toMatch(/cannot be (printed|read)/);
  });

  it('names the error whose message cannot be read', () => {
    const [, brokenMessage] = unprintables()[1]!;
    expect(describeThrown(brokenMessage)).toBe('an error (TypeError) whose message cannot be read');
  });
});

describe('serializeError', () => {
  it.each(unprintables())('serializes %s without throwing', (_, value) => {
    expect(serializeError(value)).toEqual({
      name: expect.any(String),
      code: 'unknown',
      message: expect.stringMatching(/cannot be (printed|read)/),
    });
  });
});
