import { defineConfig } from 'vitest/config';

/**
 * One vitest run for the whole workspace. Tests import packages through the
 * `@agentchart/source` export condition, so they run against `src/` with no build step. The
 * name is namespaced (as zod's `@zod/source`) because Vitest hands the conditions to Node for
 * external dependencies too, and some publish a plain `source` condition pointing at
 * TypeScript Node will not load from node_modules (eventsource-parser, used by the MCP SDK).
 */
export default defineConfig({
  resolve: { conditions: ['@agentchart/source', 'import', 'module', 'node', 'default'] },
  ssr: {
    resolve: {
      // Vitest also hands these to Node as --conditions for external packages: `import`
      // there makes a CommonJS require() of a dual package (pg → pg-pool) load its ESM build.
      conditions: ['@agentchart/source', 'module', 'node', 'default'],
      // OpenTelemetry's SDK packages (inlined below) name their ESM build in `module`.
      mainFields: ['module', 'main'],
      externalConditions: ['@agentchart/source'],
    },
  },
  test: {
    include: [
      'packages/**/src/**/*.test.ts',
      'packages/**/test/**/*.test.ts',
      'packages/**/examples/**/*.test.ts',
      'examples/**/src/**/*.test.ts',
      'examples/**/test/**/*.test.ts',
      'bench/src/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    setupFiles: ['./scripts/vitest-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Loaded by Node, OpenTelemetry's CommonJS builds would require() `@opentelemetry/api`
    // under the `module` condition above: its bundler-only ESM build (extensionless imports)
    // that Node refuses. Vite transforms their ESM builds instead. pg-boss imports
    // `@opentelemetry/api` from its ESM build, so it is inlined for the same reason.
    server: { deps: { inline: [/@opentelemetry\//, /pg-boss/] } },
  },
});
