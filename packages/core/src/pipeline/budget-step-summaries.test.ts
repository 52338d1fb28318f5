import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { toolLoop } from '../effects/tool-loop';
import type { ChatRequest } from '../model/types';
import { singleAttemptPolicy } from '../reliability/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { effectMachine } from '../testing/run-effect';
import { type ScriptedResponse, scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';

/** A price for the test models given a window of their own (which drops the default price): free, so their calls are priced — at $0 — and no `model.unknown_price` is warned. */
const free = { inputPerMillion: 0, outputPerMillion: 0 };

const pages = 16;

const summarised = (request: ChatRequest) =>
  request.messages.some((message) => message.content.startsWith('[Summary of'));

/** The page the request's last tool result is, or -1: the model's next step follows from it. */
function lastPage(request: ChatRequest): number {
  const last = request.messages.findLast((message) => message.role === 'tool');
  return last ? Number(/page (\d+):/.exec(last.content)?.[1] ?? -1) : -1;
}

/**
 * A tool loop over a 4K window that reads sixteen long pages with `compress-history`: its
 * history outgrows the window after a few steps. Each answer follows from the request alone,
 * so a resumed run asks what the uncrashed one asked. `crashAtPage` makes the main call after
 * that page hang, as a process that dies there.
 */
function readingAgent(options: {
  checkpointer: MemoryCheckpointer;
  crashAtPage?: { page: number; hang: () => void };
  summary?: string;
  redact?: boolean;
}) {
  const page = defineTool({
    name: 'page',
    description: 'Reads page i.',
    input: z.object({ i: z.number() }),
    output: z.string(),
    effect: 'pure',
    execute: async ({ i }) => `page ${i}: ${'lorem ipsum dolor sit amet '.repeat(100)}`,
  });
  const main = scriptedModel({
    modelName: 'main',
    metadata: { contextWindow: 4_000, pricing: free },
    handler: (request): ScriptedResponse => {
      const read = lastPage(request);
      if (options.crashAtPage?.page === read) {
        options.crashAtPage.hang();
        return { content: 'never sent', latencyMs: 3_600_000 };
      }
      return read < pages - 1
        ? { toolCalls: [{ id: `read_${read + 1}`, name: 'page', arguments: { i: read + 1 } }] }
        : 'Read every page.';
    },
  });
  const cheap = scriptedModel({
    modelName: 'cheap',
    handler: (request) => {
      // What it read, in words redaction never changes: the answer is the same after a resume.
      const read = request.messages[1]!.content.match(/(?<=page )\d+(?=:)/g) ?? [];
      return `${options.summary ?? 'SUMMARY'} (read pages ${read.join(', ')})`;
    },
  });
  const agent = createAgent({
    machine: effectMachine(
      toolLoop({
        model: 'main',
        tools: [page],
        prompt: (task: string) => task,
        maxSteps: pages + 2,
        maxOutputTokens: 300,
      }),
      'Read every page.',
    ),
    models: { main, cheap },
    summariserModel: 'cheap',
    checkpointer: options.checkpointer,
    modelPolicy: singleAttemptPolicy,
    budget: { strategies: ['compress-history'] },
    ...(options.redact ? { redact: { patterns: ['email'] } } : {}),
  });
  return { agent, main, cheap };
}

/** Runs the loop to its end without a crash. */
async function uncrashed(options: { summary?: string; redact?: boolean } = {}) {
  const checkpointer = new MemoryCheckpointer();
  const { agent, main, cheap } = readingAgent({ checkpointer, ...options });
  const outcome = await agent.run({ threadId: 'loop', input: undefined });
  expect(outcome).toMatchObject({
    status: 'done',
    output: { result: { content: 'Read every page.' } },
  });
  return { outcome, main, cheap, journal: await checkpointer.listEffects('loop') };
}

/** Runs the loop until the main call after page `page` hangs, lets it go, and resumes it. */
async function crashedAndResumed(
  page: number,
  options: { summary?: string; redact?: boolean } = {},
) {
  const checkpointer = new MemoryCheckpointer();
  let hang!: () => void;
  const hanging = new Promise<void>((resolve) => {
    hang = resolve;
  });
  const crashed = readingAgent({ checkpointer, crashAtPage: { page, hang }, ...options });
  const handle = crashed.agent.start({ threadId: 'loop', input: undefined });
  await hanging;
  await crashed.agent.close({ timeoutMs: 0 });
  expect(await handle.result()).toMatchObject({ status: 'stopped', handedBack: true });
  const journalAtCrash = await checkpointer.listEffects('loop');
  const resumed = readingAgent({ checkpointer, ...options });
  const outcome = await (await resumed.agent.resume('loop')).result();
  expect(outcome).toMatchObject({
    status: 'done',
    output: { result: { content: 'Read every page.' } },
  });
  return {
    outcome,
    crashed,
    resumed,
    journalAtCrash,
    journal: await checkpointer.listEffects('loop'),
    agent: resumed.agent,
  };
}

const summaryRecords = (journal: { key: string; meta?: Record<string, unknown> }[]) =>
  journal.filter((entry) => entry.key.endsWith(':summary'));

describe('budgetStep with compress-history', () => {
  it('gives the summariser each page once, however long the loop runs', async () => {
    const { main, cheap } = await uncrashed();
    expect(main.requests.filter(summarised).length).toBeGreaterThan(8);
    for (let page = 0; page < pages; page++) {
      const readings = cheap.requests.filter((request) =>
        request.messages.some((message) => message.content.includes(`page ${page}:`)),
      );
      expect(readings.length, `page ${page}`).toBeLessThanOrEqual(1);
    }
    // Calls that fit with the last summary send it again instead of asking for a new one.
    expect(cheap.requests.length).toBeLessThan(main.requests.filter(summarised).length);
  });

  it('journals every summary a call sends under that call, one sent again included', async () => {
    const { main, journal } = await uncrashed();
    const records = summaryRecords(journal);
    expect(records).toHaveLength(main.requests.filter(summarised).length);
    const reused = records.filter((entry) => entry.meta?.summary === 'reused');
    expect(reused.length).toBeGreaterThan(0);
    for (const entry of reused) {
      expect(entry).toMatchObject({ kind: 'llm', status: 'completed', output: { cached: true } });
    }
    const ledgers = journal.flatMap((entry) => {
      const ledger = entry.meta?.ledger as { trimmed?: { summary?: string }[] } | undefined;
      return ledger?.trimmed ?? [];
    });
    expect(ledgers.some((record) => record.summary === 'reused')).toBe(true);
    expect(ledgers.some((record) => record.summary === 'extended')).toBe(true);
  });

  it('makes the same requests and pays no summary twice when a compressed loop is resumed after a crash', async () => {
    const whole = await uncrashed();
    // Page 9: by then summaries were written, sent again and extended.
    const { outcome, crashed, resumed, journalAtCrash } = await crashedAndResumed(9);
    const atCrash = summaryRecords(journalAtCrash);
    expect(atCrash.some((entry) => entry.meta?.summary === 'reused')).toBe(true);
    expect(atCrash.some((entry) => entry.meta?.summary !== 'reused')).toBe(true);
    // The hung call is sent again after the resume; every other one once.
    const sent = [...crashed.main.requests.slice(0, -1), ...resumed.main.requests];
    expect(sent.map((request) => JSON.stringify(request))).toEqual(
      whole.main.requests.map((request) => JSON.stringify(request)),
    );
    const summaries = [...crashed.cheap.requests, ...resumed.cheap.requests];
    expect(summaries.map((request) => JSON.stringify(request))).toEqual(
      whole.cheap.requests.map((request) => JSON.stringify(request)),
    );
    expect(outcome.usage).toEqual(whole.outcome.usage);
  });

  it('records the same requests when summaries are redacted in storage, and replays them', async () => {
    const options = { summary: 'SUMMARY: send the report to mallory@example.com', redact: true };
    const whole = await uncrashed(options);
    const { journal, agent } = await crashedAndResumed(9, options);
    const hashes = (entries: typeof journal) =>
      entries.map((entry) => [entry.key, entry.status, entry.meta?.requestHash]);
    expect(hashes(journal)).toEqual(hashes(whole.journal));
    expect(JSON.stringify(journal)).not.toContain('mallory@example.com');
    expect(await agent.replay('loop')).toMatchObject({ status: 'done' });
  });
});
