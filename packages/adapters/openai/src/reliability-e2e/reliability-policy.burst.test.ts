import { createAgent, type RunOutcome } from '@agentchart/core';
import {
  createReliabilityPolicy,
  type ReliabilityPolicyOptions,
} from '@agentchart/core/reliability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIChatModel } from '../openai/openai-chat-model';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import { burstScript } from './burst-script';
import { classifierMachine } from './classifier-agent';
import { seededRandom } from './seeded-random';
import { markdownTable, writeFigures } from './write-figures';

/**
 * Ordinary transient faults under load, end to end (issue 9): 200 concurrent agent runs, each
 * one structured call through the real OpenAI client and a policy with the default options,
 * against a server that fails about 10% of requests at once (503, 429, reset) and answers the
 * rest in 20–120 ms. The defaults must recover as well as retries with neither breaker nor
 * budget do, and a full outage must still cost at most 1.2 requests per logical call.
 * Real timers and real HTTP on loopback; the faults and the jitter are seeded.
 */

const apiKey = 'sk-test';
const runs = 200;
const seed = 10;
const faultRate = 0.1;
const maxAttempts = 3; // The default: the script's expected failures are counted with it.
const server = createOpenAITestServer({ apiKey });
const script = burstScript({ seed, faultRate });
const figures: Record<string, unknown> = { runs, seed, faultRate };
const rows: Array<Array<string | number>> = [];

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.close();
  const table = markdownTable(
    [
      'Policy (200 concurrent runs)',
      'Faults served',
      'Requests',
      'Retries announced',
      'Runs failed',
      'Failures by code',
    ],
    rows,
  );
  await writeFigures('burst', figures, `${table}\n`);
});

function tally(outcomes: RunOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.status !== 'failed') continue;
    counts[outcome.error.code] = (counts[outcome.error.code] ?? 0) + 1;
  }
  return counts;
}

/** 200 concurrent runs of one agent whose policy is made from `options`. */
async function burst(name: string, options: ReliabilityPolicyOptions) {
  server.reset();
  script.reset();
  const model = openAIChatModel({ baseURL: server.baseURL, apiKey, model: 'gpt-4o-mini' });
  const agent = createAgent({
    machine: classifierMachine,
    models: { fast: model },
    modelPolicy: createReliabilityPolicy({ random: seededRandom(seed), ...options }),
  });
  let logicalCalls = 0;
  let retries = 0;
  agent.events.on('llm.call.start', () => logicalCalls++);
  agent.events.on('llm.call.retry', () => retries++);
  const startedAt = Date.now();
  const outcomes = await Promise.all(
    Array.from({ length: runs }, (_, index) =>
      agent.run({ threadId: `${name}-${index}`, input: { text: `Tender ${index}` } }),
    ),
  );
  const byCode = tally(outcomes);
  const measured = {
    logicalCalls,
    requests: server.requests.length,
    retries,
    faultsServed: { ...script.faultsServed },
    failed: Object.values(byCode).reduce((sum, count) => sum + count, 0),
    byCode,
    durationMs: Date.now() - startedAt,
  };
  figures[name] = measured;
  const faults = Object.values(measured.faultsServed).reduce((sum, count) => sum + count, 0);
  rows.push([
    name,
    faults,
    measured.requests,
    measured.retries,
    `${measured.failed} / ${runs}`,
    Object.entries(byCode)
      .map(([code, count]) => `${count} \`${code}\``)
      .join(', ') || '—',
  ]);
  return measured;
}

/**
 * The most first attempts among the first `k` runs the script fails, less the retries the
 * default budget grants `k` calls: at most 0 means even if every failure came back before
 * the next run started, the budget would grant each retry, so the outcome does not depend
 * on timing.
 */
const worstPrefixExcess = (() => {
  let faults = 0;
  let worst = Number.NEGATIVE_INFINITY;
  for (let tender = 0; tender < runs; tender += 1) {
    if (script.faultFor(tender, 1)) faults += 1;
    worst = Math.max(worst, faults - Math.max(3, Math.floor(0.2 * (tender + 1))));
  }
  return worst;
})();

/** Runs whose every attempt the script fails: what retries alone cannot save. */
const unsavable = Array.from({ length: runs }, (_, tender) => tender).filter((tender) =>
  Array.from({ length: maxAttempts }, (_, attempt) => script.faultFor(tender, attempt + 1)).every(
    (fault) => fault !== undefined,
  ),
).length;

describe('createReliabilityPolicy over real HTTP: 200 concurrent runs with 10% transient faults', () => {
  server.setHandler(script.handler);

  it('recovers with the default breaker and retry budget as well as with neither (issue 9)', async () => {
    // The script is what the test means: some runs it fails three times, and no stretch of
    // runs with more faults than the budget would carry at that traffic.
    expect(unsavable).toBeGreaterThan(0);
    expect(worstPrefixExcess).toBeLessThanOrEqual(0);
    const neither = await burst('neither breaker nor budget', {
      breaker: false,
      retryBudget: false,
    });
    const defaults = await burst('defaults (breaker + retry budget)', {});
    const breakerAlone = await burst('default breaker alone', { retryBudget: false });
    const budgetAlone = await burst('default retry budget alone', { breaker: false });

    expect(neither.faultsServed['503']).toBeGreaterThan(0);
    expect(neither.faultsServed['429']).toBeGreaterThan(0);
    expect(neither.faultsServed.reset).toBeGreaterThan(0);
    expect(neither.failed).toBe(unsavable);
    expect(defaults.logicalCalls).toBe(runs);
    expect(defaults.failed).toBe(neither.failed);
    expect(breakerAlone.failed).toBe(neither.failed);
    expect(budgetAlone.failed).toBe(neither.failed);
  }, 60_000);

  it('still costs at most 1.2 requests per logical call in a full outage, with the defaults', async () => {
    server.setHandler(() => replies.serverError(503));
    try {
      const outage = await burst('defaults, full outage (every request 503)', {});
      figures.outageAmplification = outage.requests / outage.logicalCalls;
      expect(outage.logicalCalls).toBe(runs);
      expect(outage.failed).toBe(runs);
      expect(outage.requests / outage.logicalCalls).toBeLessThanOrEqual(1.2);
      expect(Object.keys(outage.byCode).sort()).toEqual(
        expect.arrayContaining([expect.stringMatching(/^model\.(server_error|circuit_open)$/)]),
      );
    } finally {
      server.setHandler(script.handler);
    }
  }, 60_000);
});
