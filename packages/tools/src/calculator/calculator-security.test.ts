import { afterEach, describe, expect, it, vi } from 'vitest';
import { CalculatorError } from './calculator-error';
import { calculatorTool } from './calculator-tool';
import { evaluateExpression } from './evaluate-expression';

const context = { signal: new AbortController().signal, idempotencyKey: 'k', threadId: 't' };

describe('calculatorTool security', () => {
  afterEach(() => {
    delete (globalThis as { pwned?: unknown }).pwned;
  });

  it.each([
    'constructor',
    'constructor.constructor("return process")()',
    '__proto__',
    'toString()',
    'valueOf(1)',
    'hasOwnProperty(1)',
    'process.exit()',
    'process.exit(1)',
    'require("fs")',
    'import("fs")',
    'globalThis.pwned = 1',
    'this',
    'Math.PI',
    'eval("1")',
    'Function("return 1")()',
    '1; process.exit()',
    '[].constructor',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal is the attack
    '`${1}`',
    "'1' + 1",
    '(() => 1)()',
    '1 == 1',
    'pi = 3',
    'x => x',
    '0x10',
    '1 // comment',
  ])('refuses %j without running anything', (expression) => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('process.exit was called');
    });
    expect(() => evaluateExpression(expression)).toThrow(CalculatorError);
    expect(exit).not.toHaveBeenCalled();
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
  });

  it('refuses arguments beyond the contract before executing', () => {
    const tool = calculatorTool();
    expect(tool.input.safeParse({ expression: '1', scope: { x: 1 } }).success).toBe(false);
    expect(tool.input.safeParse({ expression: 42 }).success).toBe(false);
    expect(tool.input.safeParse({ expression: '' }).success).toBe(false);
    expect(tool.input.safeParse({ expression: '1'.repeat(1001) }).success).toBe(false);
  });

  it('evaluates through its typed contract and is pure', async () => {
    const tool = calculatorTool();
    expect(tool.name).toBe('calculator');
    expect(tool.effect).toBe('pure');
    expect(tool.parameters).toMatchObject({
      type: 'object',
      properties: { expression: { type: 'string', maxLength: 1000 } },
      required: ['expression'],
      additionalProperties: false,
    });
    await expect(tool.execute({ expression: '0.1 + 0.2' }, context)).resolves.toEqual({
      result: 0.30000000000000004,
    });
  });

  it('tells the model its arithmetic is floating point, not exact (issue 13)', async () => {
    const tool = calculatorTool();
    expect(tool.description).not.toMatch(/exact/i);
    expect(tool.description).toContain('floating point');
    await expect(tool.execute({ expression: '0.1 + 0.2' }, context)).resolves.not.toEqual({
      result: 0.3,
    });
    expect(tool.description).toContain('0.1 + 0.2 gives 0.30000000000000004');
  });

  it('applies its configured limits', async () => {
    const tool = calculatorTool({ name: 'math', maxLength: 10, maxDepth: 2 });
    expect(tool.name).toBe('math');
    expect(tool.input.safeParse({ expression: '1+1+1+1+1+1' }).success).toBe(false);
    await expect(tool.execute({ expression: '((1))' }, context)).resolves.toEqual({ result: 1 });
    await expect(tool.execute({ expression: '(((1)))' }, context)).rejects.toThrow(
      'nests deeper than 2 levels',
    );
  });

  it('refuses limits that are not positive whole numbers when it is defined', () => {
    expect(() => calculatorTool({ maxDepth: 0 })).toThrow('maxDepth is 0');
    expect(() => calculatorTool({ maxLength: Number.NaN })).toThrow('maxLength is NaN');
  });
});
