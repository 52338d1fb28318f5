import { describe, expect, it } from 'vitest';
import { OutputSchemaValidator } from './output-schema-validator';

describe('OutputSchemaValidator', () => {
  it('compiles a schema when its check is first used, not when the client asks for it', () => {
    // Before: the client's request compiled the output schema of every listed tool at once,
    // chosen or not: one of 2.6 MB blocked the connection for 28 s.
    let reads = 0;
    const schema = new Proxy(
      { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
      {
        get(target, property, receiver) {
          reads++;
          return Reflect.get(target, property, receiver);
        },
      },
    );
    const validator = new OutputSchemaValidator();
    const check = validator.getValidator<{ n: number }>(schema as never);
    expect(reads).toBe(0);
    expect(check({ n: 1 })).toMatchObject({ valid: true });
    expect(check({ n: 'one' })).toMatchObject({ valid: false });
    expect(reads).toBeGreaterThan(0);
  });

  it('says why a schema cannot be compiled, once asked', () => {
    const validator = new OutputSchemaValidator();
    const broken = { type: 'nonsense' };
    const check = validator.getValidator(broken as never);
    expect(validator.failureOf(broken)).toBeInstanceOf(Error);
    expect(check({})).toMatchObject({
      valid: false,
      errorMessage: expect.stringContaining('the output schema cannot be checked'),
    });
  });
});
