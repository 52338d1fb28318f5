import { readFile } from 'node:fs/promises';

/** The studio's page: its HTML, its script and its stylesheet. */
export interface StudioAssets {
  html: string;
  js: string;
  css: string;
}

/** Where the page's sources are, in the agentchart workspace (the package ships them built). */
export const webSources = new URL('../../web/', import.meta.url);

/**
 * Builds the page from its sources with esbuild: one minified ES module (Preact and the app)
 * and one stylesheet (the chart's classes, then the page's). Run when the package is built
 * (`scripts/build-studio.ts`, which writes `dist/studio/`); the published package only reads
 * the result. In the workspace the studio builds it in memory at start, so a change to the
 * page needs no build step.
 */
export async function bundleStudio({
  chartStyles,
}: {
  chartStyles: string;
}): Promise<StudioAssets> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [new URL('main.tsx', webSources).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: new URL('tsconfig.json', webSources).pathname,
    logLevel: 'silent',
  });
  const js = result.outputFiles[0]!.text;
  const [html, styles] = await Promise.all([
    readFile(new URL('index.html', webSources), 'utf8'),
    readFile(new URL('styles.css', webSources), 'utf8'),
  ]);
  return { html, js, css: `${chartStyles}\n${styles}` };
}
