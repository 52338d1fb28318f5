import { defineConfig } from 'vitest/config';

/**
 * One vitest run for the whole workspace. Tests import packages through the `source`
 * export condition, so they run against `src/` with no build step.
 */
export default defineConfig({
  resolve: { conditions: ['source', 'import', 'module', 'node', 'default'] },
  ssr: {
    resolve: {
      // Vitest also hands these to Node as --conditions for external packages: `import`
      // there makes a CommonJS require() of a dual package (pg → pg-pool) load its ESM build.
      conditions: ['source', 'module', 'node', 'default'],
      externalConditions: ['source'],
    },
  },
  test: {
    include: [
      'packages/**/src/**/*.test.ts',
      'packages/**/test/**/*.test.ts',
      'packages/**/examples/**/*.test.ts',
      'examples/**/src/**/*.test.ts',
      'bench/src/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    setupFiles: ['./scripts/vitest-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
