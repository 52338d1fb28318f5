import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { CliError } from '../cli-error';
import { chartStyles } from '../graph/render-chart-svg';
import { bundleStudio, type StudioAssets, webSources } from './bundle-studio';

/**
 * The page the studio serves. The published package reads it from `dist/studio/`, built when
 * the package was (no build step at run time); in the agentchart workspace, where the page's
 * sources are, it is built in memory from them.
 */
export async function loadStudioAssets(): Promise<StudioAssets> {
  // Running from the sources (the workspace, through tsx): build the page from its sources.
  if (import.meta.url.endsWith('.ts') && existsSync(new URL('main.tsx', webSources))) {
    return bundleStudio({ chartStyles });
  }
  // Bundled into dist/main.mjs: the page sits beside it.
  const built = new URL('./studio/', import.meta.url);
  try {
    const [html, js, css] = await Promise.all(
      ['index.html', 'app.js', 'app.css'].map((name) => readFile(new URL(name, built), 'utf8')),
    );
    return { html: html!, js: js!, css: css! };
  } catch (error) {
    throw new CliError(
      'cli.load_failed',
      `The studio's page is missing from this installation (${built.pathname}): reinstall the agentchart package.`,
      error,
    );
  }
}
