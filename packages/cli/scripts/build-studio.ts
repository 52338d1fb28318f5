/**
 * Builds the studio's page into dist/studio/ (index.html, app.js, app.css), after tsdown has
 * built the command: the published package serves it as it is, with no build at run time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { chartStyles } from '../src/graph/render-chart-svg';
import { bundleStudio } from '../src/studio/bundle-studio';

const out = new URL('../dist/studio/', import.meta.url);
const assets = await bundleStudio({ chartStyles });
await mkdir(out, { recursive: true });
await writeFile(new URL('index.html', out), assets.html);
await writeFile(new URL('app.js', out), assets.js);
await writeFile(new URL('app.css', out), assets.css);
console.log(
  `studio page: app.js ${(assets.js.length / 1024).toFixed(1)} KiB, app.css ${(assets.css.length / 1024).toFixed(1)} KiB → ${out.pathname}`,
);
