/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them: checked by `scripts/typecheck-exact-optional.ts` under that setting.
 */
import { it } from 'vitest';
import {
  calculatorTool,
  fileSystemTools,
  httpTool,
  jsonQueryTool,
  retrievalTool,
  sqlQueryTool,
} from './index';

it('takes undefined for the options of every tool', () => {
  calculatorTool({ name: undefined, maxLength: undefined, maxDepth: undefined });
  fileSystemTools({
    root: '/srv/files',
    allowWrite: undefined,
    maxBytes: undefined,
    maxEntries: undefined,
    allowHardLinks: undefined,
    replaceReadOnlyFiles: undefined,
  });
  httpTool({
    allowedHosts: ['api.example.com'],
    name: undefined,
    methods: undefined,
    headers: undefined,
    maxRedirects: undefined,
    timeoutMs: undefined,
    resolve: undefined,
  });
  jsonQueryTool({ name: undefined, data: undefined, timeoutMs: undefined, maxMemoryMb: undefined });
  retrievalTool({
    documents: [{ id: 'a', text: 'A text.', metadata: undefined }],
    embedder: undefined,
    defaultMode: undefined,
    maxResults: undefined,
  });
  sqlQueryTool({ path: ':memory:', name: undefined, tables: undefined, maxRows: undefined });
});
