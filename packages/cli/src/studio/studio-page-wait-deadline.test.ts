import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, humanWait, SqliteCheckpointer } from '@agentchart/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { formatTime } from '../../web/format';
import { memoryContext, shiftedClock } from '../testing';
import { launchChromium } from './__fixtures__/browser';
import { serveStudio } from './serve-studio';
import type { Studio } from './start-studio';

const hourMs = 3_600_000;

let dir: string;
let studio: Studio;
let browser: Browser;
const deadlines: Record<string, number> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-studio-deadline-'));
  const database = join(dir, 'runs.db');
  const machine = setup({
    actors: {
      approve: humanWait({
        prompt: () => 'Approve the purchase?',
        reply: z.object({ approved: z.boolean() }),
        timeoutMs: hourMs,
      }),
    },
  }).createMachine({
    id: 'purchase',
    initial: 'asking',
    states: {
      asking: { invoke: { src: 'approve', onDone: 'done', onError: 'late' } },
      done: { type: 'final' },
      late: { type: 'final' },
    },
  });
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  // One asked two hours ago (its hour has passed, and nothing woke it since), one just now.
  for (const [threadId, aheadMs] of [
    ['overdue', -2 * hourMs],
    ['open', 0],
  ] as const) {
    const clock = shiftedClock(aheadMs);
    const agent = createAgent({ machine, checkpointer, clock });
    const outcome = await agent.run({ threadId, input: {} });
    expect(outcome.status).toBe('waiting');
    deadlines[threadId] = (await checkpointer.listEffects(threadId))[0]?.meta?.deadline as number;
    await agent.close();
  }
  checkpointer.close();
  studio = await serveStudio({ database, port: 0, context: memoryContext({ cwd: dir }).context });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await studio?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function deadlineShown(page: Page, threadId: string): Promise<string> {
  await page.locator(`[data-thread="${threadId}"]`).click();
  const deadline = page.getByTestId('wait-deadline');
  // Until the form is this thread's: the one shown before the click has a deadline too, and
  // read at once its text (another time) was taken for this one's.
  const time = formatTime(deadlines[threadId]!);
  await expect.poll(async () => (await deadline.textContent()) ?? '').toContain(time);
  return (await deadline.textContent()) ?? '';
}

describe('the studio wait form', () => {
  it('says when the wait times out, and that one whose deadline passed refuses a reply', async () => {
    const page = await browser.newPage();
    await page.goto(studio.url);
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2);
    // Before: neither form said a word of the deadline, and the overdue one took a reply the
    // store then refused.
    expect(await deadlineShown(page, 'open')).toContain(
      `Times out at ${formatTime(deadlines.open!)}`,
    );
    const overdue = await deadlineShown(page, 'overdue');
    expect(overdue).toContain(`The deadline passed at ${formatTime(deadlines.overdue!)}`);
    expect(overdue).toContain('a reply now is refused (human.timeout)');
    await page.close();
  }, 60_000);

  it('shows how long a waiting run has waited, not only the milliseconds it worked', async () => {
    const page = await browser.newPage();
    await page.goto(studio.url);
    const overdue = page.locator('[data-thread="overdue"] td').nth(1);
    await expect.poll(() => overdue.count()).toBe(1);
    // Before: "7 ms" for a run waiting two hours, its active time only.
    expect(await overdue.textContent()).toMatch(/, waiting 2 h 0\d min$/);
    await page.close();
  }, 60_000);
});
