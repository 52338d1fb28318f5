/**
 * Measures the studio's page load on a large run database, in headless Chromium:
 *
 *   node_modules/.bin/tsx --conditions=@agentchart/source packages/cli/scripts/studio-page-load.ts [runs] [database]
 *
 * Fills the database (when it has fewer threads) with the tender pipeline's batch, ten tenders
 * a batch on the offline demo model, until it holds `runs` threads (default 10,000); then starts
 * the studio on it (read-only, the pipeline's module given) and, five times each in a fresh page,
 * times: the page until its run list shows the first 100 runs; the list's API call alone; the
 * largest run's view until its chart and timeline are drawn. Prints a Markdown table (median,
 * min, max).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '@agentchart/core';
import { pipelineModels } from '../../../examples/tender-pipeline/src/models';
import { runBatch } from '../../../examples/tender-pipeline/src/run-batch';
import { sampleTenders } from '../../../examples/tender-pipeline/src/tenders';
import { launchChromium } from '../src/studio/__fixtures__/browser';
import { serveStudio } from '../src/studio/serve-studio';
import { memoryContext } from '../src/testing';

const runs = Number(process.argv[2] ?? 10_000);
const database = process.argv[3] ?? join(tmpdir(), `agentchart-studio-${runs}.db`);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const trials = 5;

async function fill(): Promise<void> {
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  try {
    const have = (await checkpointer.listThreads()).length;
    if (have >= runs) return;
    const models = await pipelineModels({ DEMO_LATENCY_MS: '0' });
    const started = performance.now();
    for (
      let batch = Math.floor(have / sampleTenders.length);
      batch * sampleTenders.length < runs;
      batch++
    ) {
      await runBatch({ tenders: sampleTenders, models, checkpointer, batchId: `load-${batch}` });
      if (batch % 100 === 0) {
        process.stderr.write(
          `  ${(batch + 1) * sampleTenders.length} runs (${Math.round(performance.now() - started)} ms)\n`,
        );
      }
    }
  } finally {
    checkpointer.close();
  }
}

/** The first trial (cold: nothing cached, the chart not laid out yet), then median, min, max. */
function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return [values[0]!, median, sorted[0]!, sorted.at(-1)!]
    .map((ms) => `${ms.toFixed(0)} ms`)
    .join(' | ');
}

if (!existsSync(database)) process.stderr.write(`filling ${database} with ${runs} runs…\n`);
await fill();
const studio = await serveStudio({
  database,
  modules: ['examples/tender-pipeline/src/pipeline.ts'],
  port: 0,
  context: memoryContext({ cwd: repoRoot }).context,
});
const browser = await launchChromium();
try {
  const firstPage = await (await fetch(new URL('/api/runs', studio.url))).json();
  const total = (firstPage as { total: number }).total;
  // The run with the most steps: the view with the most to draw.
  const largest = 'load-0:T-107';
  const pageLoad: number[] = [];
  const listApi: number[] = [];
  const runView: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    let started = performance.now();
    await page.goto(studio.url);
    await page.locator('[data-testid="run-row"]').nth(99).waitFor();
    pageLoad.push(performance.now() - started);

    started = performance.now();
    await (await fetch(new URL('/api/runs?limit=100', studio.url))).json();
    listApi.push(performance.now() - started);

    started = performance.now();
    await page.goto(`${studio.url}#/runs/${encodeURIComponent(largest)}`);
    await page.reload();
    await page.locator('[data-testid="chart"] svg').waitFor();
    await page.locator('[data-testid="timeline"] li').first().waitFor();
    runView.push(performance.now() - started);
    await page.close();
  }
  console.log(`database: ${total} runs (${database})\n`);
  console.log('| measure (5 trials) | first | median | min | max |');
  console.log('|---|---|---|---|---|');
  console.log(`| page opened until the run list shows its first 100 runs | ${stats(pageLoad)} |`);
  console.log(`| the run list's API call alone (GET /api/runs?limit=100) | ${stats(listApi)} |`);
  console.log(
    `| a run's view (${largest}) until its chart and timeline are drawn | ${stats(runView)} |`,
  );
} finally {
  await browser.close();
  await studio.close();
}
