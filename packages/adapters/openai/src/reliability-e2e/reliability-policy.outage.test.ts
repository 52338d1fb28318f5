import { ModelCallError, type RunOutcome } from '@agentchart/core';
import {
  createReliabilityPolicy,
  type ReliabilityEvent,
  type ReliabilityPolicyOptions,
} from '@agentchart/core/reliability';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAIChatModel } from '../openai/openai-chat-model';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import type { ScriptedReply } from '../testing/types';
import { classifierAgent } from './classifier-agent';
import { markdownTable, writeFigures } from './write-figures';

/**
 * A full outage under load, end to end: 100 concurrent agent runs, each one structured call
 * through the reliability policy and the real OpenAI client, against a server answering 503
 * to everything; then the server recovers. Real timers and real HTTP on loopback.
 */

const apiKey = 'sk-test';
const runs = 100;
const server = createOpenAITestServer({ apiKey });

// A backend that fails slowly, as an overloaded one does: the calls overlap.
const unavailable = (): ScriptedReply => ({ ...replies.serverError(503), delayMs: 50 });
const verdict = () => replies.json({ relevant: true, confidence: 0.9 });

const cooldownMs = 300;
const policyOptions = {
  maxAttempts: 3,
  // The default backoff: a retry waits up to 500 ms, long enough for the breaker to have seen
  // the outage (it opens once half the concurrent requests have failed).
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  attemptTimeoutMs: 2_000,
  deadlineMs: 10_000,
  // The default breaker and budget, spelled out, with a short cooldown.
  breaker: { failureRateThreshold: 0.5, minimumRequests: 20, windowMs: 10_000, cooldownMs },
  retryBudget: { ratio: 0.2, minRetries: 3, windowMs: 10_000 },
} satisfies ReliabilityPolicyOptions;

const unhandledRejections: unknown[] = [];
const onUnhandledRejection = (reason: unknown) => unhandledRejections.push(reason);
const figures: Record<string, unknown> = { runs, policyOptions };
let markdown = '';

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandledRejection);
  await server.start();
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandledRejection);
  await server.close();
  await writeFigures('outage', figures, markdown);
});
beforeEach(() => {
  server.reset();
});

const model = () => openAIChatModel({ baseURL: server.baseURL, apiKey, model: 'gpt-4o-mini' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function tally(outcomes: RunOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.status === 'failed' ? `failed ${outcome.error.code}` : outcome.status;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('createReliabilityPolicy over real HTTP: a full outage under 100 concurrent runs', () => {
  it('costs at most 1.2 requests per logical call, ends every run typed, and recovers', async () => {
    const policy = createReliabilityPolicy(policyOptions);
    const breakerChanges: Array<ReliabilityEvent<'breaker.change'>> = [];
    policy.on('breaker.change', (event) => breakerChanges.push(event));
    let budgetRefusals = 0;
    policy.on('budget.exhausted', () => budgetRefusals++);
    const agent = classifierAgent(model(), policy);
    let logicalCalls = 0;
    let retriesAnnounced = 0;
    agent.events.on('llm.call.start', () => logicalCalls++);
    agent.events.on('llm.call.retry', () => retriesAnnounced++);

    // The outage: every request gets a 503.
    server.setHandler(unavailable);
    const outageStartedAt = Date.now();
    const during = await Promise.all(
      Array.from({ length: runs }, (_, index) =>
        agent.run({ threadId: `outage-${index}`, input: { text: `Tender ${index}` } }),
      ),
    );
    const outageMs = Date.now() - outageStartedAt;
    const outage = {
      logicalCalls,
      requests: server.requests.length,
      amplification: server.requests.length / logicalCalls,
      retriesAnnounced,
      budgetRefusals,
      outcomes: tally(during),
      breakerAtEnd: policy.status(model().endpoint).breaker,
      durationMs: outageMs,
    };
    figures.outage = outage;

    expect(logicalCalls).toBe(runs);
    expect(outage.amplification).toBeLessThanOrEqual(1.2);
    for (const outcome of during) {
      expect(outcome.status).toBe('failed');
      if (outcome.status !== 'failed') continue;
      expect(['model.server_error', 'model.circuit_open']).toContain(outcome.error.code);
      // Typed, not a stringified crash: the error keeps its kind and endpoint.
      expect(outcome.error).toMatchObject({ kind: expect.any(String), endpoint: model().endpoint });
    }
    expect(outage.outcomes['failed model.circuit_open']).toBeGreaterThan(0);
    expect(breakerChanges[0]).toMatchObject({ from: 'closed', to: 'open' });
    expect(outage.breakerAtEnd).toBe('open');

    // Recovery: the server answers again. Once the cooldown has passed, the next call is the
    // breaker's single probe; calls arriving while it is in flight would fail fast
    // (ADR 0002), so the probe goes first and the 100 runs follow.
    server.setHandler(verdict);
    const openedAt = breakerChanges.findLast((change) => change.to === 'open')?.at ?? Date.now();
    await sleep(openedAt + cooldownMs + 20 - Date.now());
    const requestsBefore = server.requests.length;
    const callsBefore = logicalCalls;
    const probe = await agent.run({ threadId: 'probe', input: { text: 'Tender probe' } });
    const after = await Promise.all(
      Array.from({ length: runs }, (_, index) =>
        agent.run({ threadId: `recovered-${index}`, input: { text: `Tender ${index}` } }),
      ),
    );
    const recovery = {
      probe: probe.status,
      logicalCalls: logicalCalls - callsBefore,
      requests: server.requests.length - requestsBefore,
      outcomes: tally(after),
      breakerAtEnd: policy.status(model().endpoint).breaker,
    };
    figures.recovery = recovery;
    figures.breakerTransitions = breakerChanges.map(({ from, to, reason, at }) => ({
      from,
      to,
      reason,
      msAfterOutageStart: at - outageStartedAt,
    }));

    expect(probe).toMatchObject({ status: 'done', output: { relevant: true, confidence: 0.9 } });
    expect(after.every((outcome) => outcome.status === 'done')).toBe(true);
    expect(recovery.requests).toBe(runs + 1);
    expect(recovery.breakerAtEnd).toBe('closed');
    expect(breakerChanges.slice(-2).map(({ from, to }) => `${from}→${to}`)).toEqual([
      'open→half-open',
      'half-open→closed',
    ]);

    // A rejection nobody handled surfaces on a later turn of the event loop.
    await sleep(50);
    figures.unhandledRejections = unhandledRejections.length;
    expect(unhandledRejections).toEqual([]);

    const transitions = breakerChanges
      .map(({ from, to, at }) => `${from}→${to} (+${at - outageStartedAt} ms)`)
      .join(', ');
    markdown += `${markdownTable(
      ['Figure', 'Measured'],
      [
        ['Concurrent runs during the outage', runs],
        ['Logical model calls', outage.logicalCalls],
        ['Requests the server saw', outage.requests],
        ['Amplification (requests ÷ logical calls)', outage.amplification.toFixed(2)],
        ['Retries announced (`llm.call.retry`)', outage.retriesAnnounced],
        ['Retries refused by the budget', outage.budgetRefusals],
        [
          'Run outcomes',
          Object.entries(outage.outcomes)
            .map(([key, count]) => `${count} ${key}`)
            .join(', '),
        ],
        ['Outage phase, wall time', `${outage.durationMs} ms`],
        ['Breaker transitions', transitions],
        ['Probe run after the cooldown', recovery.probe],
        [
          'Runs after recovery',
          `${recovery.outcomes.done ?? 0} of ${runs} done, ${recovery.requests - 1} requests`,
        ],
        ['Unhandled rejections', unhandledRejections.length],
      ],
    )}\n`;
  });

  it('stays under 1.2× on the breaker or the budget alone, and costs 3× with neither', async () => {
    server.setHandler(unavailable);
    const layouts = [
      { layout: 'breaker + retry budget', options: {} },
      { layout: 'retry budget alone', options: { breaker: false } },
      { layout: 'breaker alone', options: { retryBudget: false } },
      { layout: 'neither', options: { breaker: false, retryBudget: false } },
    ] as const;
    const rows: Array<{ layout: string; requests: number; amplification: number }> = [];
    for (const { layout, options } of layouts) {
      server.reset();
      const policy = createReliabilityPolicy({ ...policyOptions, ...options });
      const chatModel = model();
      const request = { messages: [{ role: 'user' as const, content: 'Hello' }] };
      const outcomes = await Promise.all(
        Array.from({ length: runs }, () =>
          policy.call({ models: [chatModel], request, signal: new AbortController().signal }).then(
            () => 'answered',
            (error: unknown) => (error instanceof ModelCallError ? error.kind : 'untyped'),
          ),
        ),
      );
      expect(outcomes.every((kind) => kind === 'server_error' || kind === 'circuit_open')).toBe(
        true,
      );
      rows.push({
        layout,
        requests: server.requests.length,
        amplification: server.requests.length / runs,
      });
    }
    figures.layouts = rows;

    const amplification = Object.fromEntries(rows.map((row) => [row.layout, row.amplification]));
    expect(amplification['breaker + retry budget']).toBeLessThanOrEqual(1.2);
    expect(amplification['retry budget alone']).toBeLessThanOrEqual(1.2);
    expect(amplification['breaker alone']).toBeLessThanOrEqual(1.2);
    expect(amplification.neither).toBe(policyOptions.maxAttempts);
    await sleep(50);
    expect(unhandledRejections).toEqual([]);

    markdown += `\n${markdownTable(
      ['Policy layout (100 concurrent calls, all 503)', 'Requests', 'Amplification'],
      rows.map((row) => [row.layout, row.requests, row.amplification.toFixed(2)]),
    )}\n`;
  });
});
