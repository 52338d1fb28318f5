import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, defineTool, SqliteCheckpointer } from '@agentchart/core';
import { requestApproval } from '@agentchart/core/security';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { memoryContext } from '../testing';
import { launchChromium } from './__fixtures__/browser';
import { serveStudio } from './serve-studio';
import type { Studio } from './start-studio';

/**
 * Text a model or a tool wrote, stored in the run database and shown by the page: a thread id
 * (a request may name it) and an approval's arguments (a model chose them).
 */
const lookalikeThread = 'pay:T-\u202e102'; // a right-to-left override: reads "pay:T-201"
const realThread = 'pay:T-201';
const hiddenPayee = '\u202emoc.live@eve'; // reads "eve@evil.com"
const shellThread = 'pay:T-301 $(touch pwned)'; // a command in a command the page suggests

let dir: string;
let studio: Studio;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-studio-text-'));
  const database = join(dir, 'runs.db');
  const pay = defineTool({
    name: 'pay',
    description: 'Pays someone.',
    input: z.object({ to: z.string(), amount: z.number() }),
    output: z.object({ receipt: z.string() }),
    effect: 'unsafe',
    execute: async () => ({ receipt: 'r1' }),
  });
  const machine = setup({
    types: { input: {} as { to: string; amount: number } },
    actors: { approve: requestApproval(pay) },
  }).createMachine({
    id: 'payment',
    initial: 'approving',
    states: {
      approving: {
        invoke: { src: 'approve', input: ({ event }) => event.input, onDone: 'approved' },
      },
      approved: { type: 'final' },
    },
  });
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  const agent = createAgent({ machine, checkpointer });
  for (const threadId of [realThread, lookalikeThread, shellThread]) {
    const outcome = await agent.run({ threadId, input: { to: hiddenPayee, amount: 10 } });
    expect(outcome.status).toBe('waiting');
  }
  await agent.close();
  checkpointer.close();
  studio = await serveStudio({
    database,
    port: 0,
    context: memoryContext({ cwd: dir }).context,
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await studio?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(studio.url);
  return page;
}

describe('the studio page', () => {
  it("shows a stored thread id's and an approval's reordering characters as escapes, so one thread cannot pass for another nor one payee for another", async () => {
    const page = await openPage();
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count()).toBe(3);
    const shown = await rows.locator('a').allTextContents();
    expect(shown).toContain(realThread);
    expect(shown).toContain('pay:T-\\u202e102');

    await page.locator(`[data-thread="${lookalikeThread}"]`).click();
    const prompt = page.getByTestId('wait-prompt');
    await expect.poll(() => prompt.textContent()).toContain('"pay"');
    const text = (await prompt.textContent()) ?? '';
    expect(text).toContain('\\u202emoc.live@eve');
    expect(text).not.toContain('\u202e');
    expect(await page.locator('.run-header h2').textContent()).not.toContain('\u202e');
    await page.close();
  }, 60_000);

  it('quotes the thread id in the command it suggests for answering a wait, so pasting it runs nothing a thread id holds', async () => {
    const page = await openPage();
    await page.locator(`[data-thread="${shellThread}"]`).click();
    const hint = page.getByTestId('waits').locator('code');
    await expect
      .poll(() => hint.textContent())
      .toBe(`agentchart send 'pay:T-301 $(touch pwned)' --reply '<json>'`);
    await page.close();
  }, 60_000);
});
