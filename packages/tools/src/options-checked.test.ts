import { describe, expect, it } from 'vitest';
import { calculatorTool } from './calculator/calculator-tool';
import { fileSystemTools } from './file-system/file-system-tools';
import { readFileTool } from './file-system/read-file-tool';
import { httpTool } from './http/http-tool';
import { jsonQueryTool } from './json-query/json-query-tool';
import { retrievalTool } from './retrieval/retrieval-tool';
import { sqlQueryTool } from './sql-query/sql-query-tool';

/** `make()` throws definition.invalid_option naming the misspelt option and the one meant. */
function refused(make: () => unknown, message: string): void {
  expect(make).toThrow(
    expect.objectContaining({
      code: 'definition.invalid_option',
      message: expect.stringContaining(message),
    }),
  );
}

describe('the tools refuse a misspelt option instead of ignoring it', () => {
  it('names the option meant — a safety limit left at its default is a silent risk', () => {
    refused(
      () => httpTool({ allowedHosts: ['example.com'], allowAddress: ['10.0.0.0/8'] } as never),
      'httpTool: allowAddress is not an option; did you mean allowAddresses?',
    );
    refused(
      () => fileSystemTools({ root: '.', allowWrites: true } as never),
      'fileSystemTools: allowWrites is not an option; did you mean allowWrite?',
    );
    refused(
      () => readFileTool({ root: '.', allowHardlinks: true } as never),
      'readFileTool: allowHardlinks is not an option; did you mean allowHardLinks?',
    );
    refused(
      () => sqlQueryTool({ path: 'x.db', maxRow: 5 } as never),
      'sqlQueryTool: maxRow is not an option; did you mean maxRows?',
    );
    refused(
      () => jsonQueryTool({ timeout: 5 } as never),
      'jsonQueryTool: timeout is not an option; did you mean timeoutMs?',
    );
    refused(
      () => retrievalTool({ documents: [], maxResult: 3 } as never),
      'retrievalTool: maxResult is not an option; did you mean maxResults?',
    );
    refused(
      () => calculatorTool({ maxLen: 10 } as never),
      'calculatorTool: maxLen is not an option',
    );
  });
});
