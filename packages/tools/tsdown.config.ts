import { defineConfig } from 'tsdown';
import { sourceMapOptions, tsdownEntries } from '../../scripts/package-entries.ts';

// Every entry the package's `exports` lists, so a new subpath needs only its package.json line.
// The query process and the JSON query worker are started from their own files, beside
// index.mjs, so each is an entry of its own.
export default defineConfig({
  entry: {
    ...tsdownEntries(import.meta.dirname),
    'sql-query-process': 'src/sql-query/sql-query-process.ts',
    'json-query-worker': 'src/json-query/json-query-worker.ts',
  },
  format: 'esm',
  platform: 'node',
  dts: { sourcemap: true },
  ...sourceMapOptions,
  clean: true,
});
