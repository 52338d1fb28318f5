import { defineConfig } from 'tsdown';
import { sourceMapOptions, tsdownEntries } from '../../scripts/package-entries.ts';

// Every entry the package's `exports` lists, so a new subpath needs only its package.json line.
export default defineConfig({
  entry: tsdownEntries(import.meta.dirname),
  format: 'esm',
  dts: { sourcemap: true },
  ...sourceMapOptions,
  clean: true,
});
