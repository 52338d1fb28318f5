import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calculatorTool } from './calculator/calculator-tool';
import { fileSystemTools } from './file-system/file-system-tools';
import { defaultMaxBytes } from './file-system/sandbox-options';
import { createTestSandbox, type TestSandbox } from './file-system/test-sandbox';

describe('tools run by an agent', () => {
  let sandbox: TestSandbox;
  beforeEach(async () => {
    sandbox = await createTestSandbox();
  });
  afterEach(() => sandbox.remove());

  it('returns the calculator result as the effect output', async () => {
    const { output } = await runEffect(toolCall(calculatorTool()), { expression: '2 ^ 10' });
    expect(output).toEqual({ result: 1024 });
  });

  it('reaches the chart as tool.failed with the refusal in the message', async () => {
    const { error } = await runEffect(toolCall(calculatorTool()), { expression: '1 / 0' });
    expect(error).toMatchObject({
      code: 'tool.failed',
      message: expect.stringContaining('Tool "calculator" failed: Division by zero at position 2'),
    });
    const [read] = fileSystemTools({ root: sandbox.root });
    const refused = await runEffect(toolCall(read), { path: 'escape-dir/secret.txt' });
    expect(refused.error).toMatchObject({
      code: 'tool.failed',
      message:
        'Tool "read_file" failed: "escape-dir/secret.txt" refused: the path escapes the sandbox root through the symlink "escape-dir", which points outside it.',
    });
  });

  it("reads a file at the default size limit through a chart's toolCall, its result fitting a journal row (issue 10)", async () => {
    // Quotes and line breaks are written escaped in the journal's JSON: the worst ordinary text.
    await writeFile(join(sandbox.root, 'big.txt'), '"\n'.repeat(defaultMaxBytes / 2));
    const [read] = fileSystemTools({ root: sandbox.root });
    const { output, error } = await runEffect(toolCall(read!), { path: 'big.txt' });
    expect(error).toBeUndefined();
    expect(output).toMatchObject({ path: 'big.txt', bytes: defaultMaxBytes });
  });

  it('refuses arguments beyond the contract before executing', async () => {
    const [, , write] = fileSystemTools({ root: sandbox.root, allowWrite: true });
    const { error } = await runEffect(toolCall(write!), {
      path: 'a.txt',
      content: 'x',
      // @ts-expect-error not an argument of the tool: refused at run time too
      root: '/',
    });
    expect(error).toMatchObject({ code: 'tool.invalid_arguments' });
  });
});
