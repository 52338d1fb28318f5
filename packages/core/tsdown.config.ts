import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'budget/index': 'src/budget/index.ts',
    'cache/index': 'src/cache/index.ts',
    'cascade/index': 'src/cascade/index.ts',
    'cost/index': 'src/cost/index.ts',
    'reliability/index': 'src/reliability/index.ts',
    'testing/index': 'src/testing/index.ts',
    'internal/index': 'src/internal/index.ts',
  },
  format: 'esm',
  dts: true,
  clean: true,
});
