import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JournalEntry, SqliteCheckpointer } from '@agentchart/core';
import { createWebSocketInspector } from '@statelyai/inspect';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { pipelineModels } from '../../../../examples/tender-pipeline/src/models';
import { runBatch } from '../../../../examples/tender-pipeline/src/run-batch';
import { sampleTenders } from '../../../../examples/tender-pipeline/src/tenders';
import { formatCost, formatCount } from '../../web/format';
import { memoryContext } from '../testing';
import { createBidApproval } from './__fixtures__/bid-approval';
import { artifactsDir, launchChromium, watchPage } from './__fixtures__/browser';
import { serveStudio } from './serve-studio';
import type { Studio } from './start-studio';
import type { EffectStep, RunDetail } from './types';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const pipelineModule = 'examples/tender-pipeline/src/pipeline.ts';
const approvalModule = 'packages/cli/src/studio/__fixtures__/bid-approval.ts';

let dir: string;
let database: string;
let studio: Studio;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-studio-'));
  database = join(dir, 'runs.db');
  // The demo's database: the tender pipeline's batch, and a run waiting for a human.
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  const models = await pipelineModels({ DEMO_LATENCY_MS: '0' });
  await runBatch({ tenders: sampleTenders, models, checkpointer, batchId: 'demo' });
  const approvals = createBidApproval(checkpointer);
  const waiting = await approvals.run({ threadId: 'approval:T-201', input: { tender: 'T-201' } });
  expect(waiting.status).toBe('waiting');
  await approvals.close();
  checkpointer.close();

  studio = await serveStudio({
    database,
    modules: [pipelineModule, approvalModule],
    port: 0,
    pollMs: 100,
    context: memoryContext({ cwd: repoRoot }).context,
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await studio?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The journal as the database has it, read on the side to check what the page shows. */
async function journalOf(threadId: string): Promise<JournalEntry[]> {
  const store = new SqliteCheckpointer({ path: database, readOnly: true });
  try {
    return await store.listEffects(threadId);
  } finally {
    store.close();
  }
}

async function openPage(
  height = 1000,
): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height } });
  const watched = watchPage(page);
  await page.goto(studio.url);
  return { page, ...watched };
}

describe('the studio page (headless Chromium)', () => {
  it('shows the chart, a run step by step with its model calls, answers a waiting run and sees it finish — asking no host but its own', async () => {
    const { page, requests, errors } = await openPage(1500);

    // The run list: every run of the database, the waiting one first.
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count()).toBe(sampleTenders.length + 1);
    expect(await rows.first().getAttribute('data-thread')).toBe('approval:T-201');
    expect(await rows.first().getAttribute('data-status')).toBe('waiting');

    // A finished run: its chart, with the state it ended in active and the path taken marked.
    await page.locator('[data-thread="demo:T-101"]').click();
    const chart = page.getByTestId('chart');
    await chart.locator('svg').waitFor();
    for (const state of ['filtering', 'rating', 'researching', 'writing', 'bidReady', 'failed']) {
      await expect.poll(() => chart.locator(`[data-state="${state}"]`).count()).toBe(1);
    }
    await expect
      .poll(() => chart.locator('[data-state="bidReady"]').getAttribute('class'))
      .toContain('is-active');
    expect(await chart.locator('[data-transition="filtering#1"]').getAttribute('class')).toContain(
      'is-taken',
    );
    // Heat: the states that spent money are filled.
    expect(
      await chart
        .locator('[data-state="writing"] rect.ac-box')
        .evaluate((rect) => (rect as unknown as { style: { fill: string } }).style.fill),
    ).not.toBe('');

    // Scrub to the bid writer's model call and read its tokens and cost.
    const detail = (await (
      await fetch(new URL(`/api/runs/${encodeURIComponent('demo:T-101')}`, studio.url))
    ).json()) as RunDetail;
    // …and each shows what it cost, written on the chart.
    expect(await chart.locator('[data-state="writing"] text.ac-figure').textContent()).toBe(
      formatCost(detail.heat.writing!.costUsd),
    );
    const writing = detail.steps.find(
      (step): step is EffectStep => step.kind === 'model-call' && step.state === 'writing',
    )!;
    await page.getByTestId('scrubber-range').fill(String(writing.index));
    await expect
      .poll(() => page.getByTestId('scrubber-position').textContent())
      .toBe(`step ${writing.index + 1} of ${detail.steps.length}`);
    const entry = (await journalOf('demo:T-101')).find((row) => row.key === writing.key)!;
    const recorded = entry.output as {
      response: { usage: { inputTokens: number; outputTokens: number } };
      costUsd: number;
    };
    const { inputTokens, outputTokens } = recorded.response.usage;
    expect(await page.getByTestId('model-tokens').textContent()).toBe(
      `${formatCount(inputTokens)} in · ${formatCount(outputTokens)} out`,
    );
    expect(await page.getByTestId('model-cost').textContent()).toBe(formatCost(recorded.costUsd));
    expect(await page.getByTestId('attempts').textContent()).toBe('1');
    expect(await page.getByTestId('cache').textContent()).toBe('miss');
    // Tokens per context section from the budget ledger, and the messages sent.
    expect(await page.getByTestId('ledger').textContent()).toContain('system');
    expect(await page.getByTestId('step-detail').textContent()).toContain('Write the bid.');
    expect(await chart.locator('[data-state="writing"]').getAttribute('class')).toContain(
      'is-active',
    );
    await page.screenshot({ path: join(artifactsDir, 'studio-run.png'), fullPage: true });

    // The waiting run: its question, answered from the page; the run finishes, live.
    await page.locator('[data-thread="approval:T-201"]').click();
    await expect
      .poll(() => page.getByTestId('wait-prompt').textContent())
      .toBe('Send the bid "T-201: quay wall, fixed price"?');
    await chart.locator('svg').waitFor();
    await page.screenshot({ path: join(artifactsDir, 'studio-waiting.png'), fullPage: true });
    await page.getByTestId('wait-reply').fill('{"approved": true}');
    const waiting = (await (
      await fetch(new URL(`/api/runs/${encodeURIComponent('approval:T-201')}`, studio.url))
    ).json()) as RunDetail;
    const replied = page.waitForRequest((request) => request.url().endsWith('/reply'));
    await page.getByTestId('wait-send').click();
    // The reply names the wait it answers, even the only one: a run that moved on to another
    // wait meanwhile refuses it rather than taking it for a question never shown (issue 14).
    expect(JSON.parse((await replied).postData() ?? '{}')).toEqual({
      value: { approved: true },
      waitId: waiting.waits[0]?.waitId,
    });
    expect(waiting.waits[0]?.waitId).toEqual(expect.any(String));
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 15_000 })
      .toBe('done');
    await expect
      .poll(() => page.locator('[data-testid="chart"] [data-state="sent"]').getAttribute('class'))
      .toContain('is-active');
    await page.screenshot({ path: join(artifactsDir, 'studio-answered.png'), fullPage: true });
    const store = new SqliteCheckpointer({ path: database, readOnly: true });
    const latest = await store.latest('approval:T-201');
    store.close();
    expect(latest?.run.status).toBe('done');
    expect((latest!.snapshot as { value: unknown }).value).toBe('sent');

    // Nothing was asked of any host but the studio's own: no CDN, no font, no telemetry.
    const origin = new URL(studio.url).host;
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((url) => new URL(url).host !== origin)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('watches any XState actor through the inspector protocol (@statelyai/inspect over WebSocket)', async () => {
    const machine = setup({}).createMachine({
      id: 'door',
      initial: 'closed',
      states: {
        closed: { on: { OPEN: 'open' } },
        open: {
          type: 'parallel',
          on: { CLOSE: 'closed' },
          states: {
            light: { initial: 'on', states: { on: { on: { DIM: 'dim' } }, dim: {} } },
            alarm: { initial: 'armed', states: { armed: {} } },
          },
        },
      },
    });
    const inspector = createWebSocketInspector({ url: studio.inspectUrl });
    const actor = createActor(machine, { inspect: inspector.inspect }).start();
    actor.send({ type: 'OPEN' });
    actor.send({ type: 'DIM' });

    const { page, requests } = await openPage();
    await page.getByTestId('nav-inspector').click();
    const row = page.getByTestId('actor-row').filter({ hasText: 'door' });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await row.click();
    const chart = page.getByTestId('chart');
    await chart.locator('svg').waitFor();
    await expect
      .poll(() => chart.locator('[data-state="open.light.dim"]').getAttribute('class'))
      .toContain('is-active');
    expect(await chart.locator('[data-state="open.alarm"]').getAttribute('class')).toContain(
      'ac-region',
    );
    expect(await page.getByTestId('inspected-step').textContent()).toContain('DIM');
    // The path taken: OPEN and DIM, never CLOSE.
    expect(await chart.locator('[data-transition="closed#0"]').getAttribute('class')).toContain(
      'is-taken',
    );
    expect(await chart.locator('[data-transition="open#0"]').getAttribute('class')).not.toContain(
      'is-taken',
    );
    await page.screenshot({ path: join(artifactsDir, 'studio-inspector.png'), fullPage: true });
    actor.stop();
    inspector.stop();
    const origin = new URL(studio.url).host;
    expect(requests.filter((url) => new URL(url).host !== origin)).toEqual([]);
    await page.close();
  }, 60_000);
});
