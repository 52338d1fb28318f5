import { defineConfig } from 'tsdown';
import { sourceMapOptions, tsdownEntries } from '../../scripts/package-entries.ts';

export default defineConfig([
  // The command: one bundle, no declarations.
  {
    entry: { main: 'src/main.ts' },
    format: 'esm',
    platform: 'node',
    dts: false,
    ...sourceMapOptions,
    clean: true,
    // Only the workspace bundles the studio's page at run time; the package ships it built.
    external: ['esbuild'],
    hooks: {
      // The studio's page, built beside the command into dist/studio/: nothing builds at run time.
      'build:done': async () => {
        // Through tsx: the page's build script imports the command's TypeScript sources.
        const { tsImport } = await import('tsx/esm/api');
        await tsImport('./scripts/build-studio.ts', import.meta.url);
      },
    },
  },
  // The library entries its `exports` lists (`agentchart/eval`, which eval modules import).
  {
    entry: tsdownEntries(import.meta.dirname),
    format: 'esm',
    platform: 'node',
    dts: { sourcemap: true },
    ...sourceMapOptions,
    clean: false,
  },
]);
