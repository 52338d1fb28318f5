import { defineConfig } from 'tsdown';

// The query process and the JSON query worker are started from their own files, beside
// index.mjs, so each is an entry of its own.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'sql-query-process': 'src/sql-query/sql-query-process.ts',
    'json-query-worker': 'src/json-query/json-query-worker.ts',
  },
  format: 'esm',
  platform: 'node',
  dts: true,
  clean: true,
});
