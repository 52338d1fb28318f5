import { ModelCallError, type ModelErrorKind } from '@agentchart/core';
import {
  createReliabilityPolicy,
  type ReliabilityPolicyOptions,
} from '@agentchart/core/reliability';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openAIChatModel } from '../openai/openai-chat-model';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import type { ScriptedReply } from '../testing/types';
import { classifierAgent } from './classifier-agent';
import { type FaultCase, faultCases, hello, recovered, weather } from './fault-cases';
import { describeOutcome, type MeasuredCall, measureCall } from './measure-call';
import { markdownTable, writeFigures } from './write-figures';

/**
 * Every fault of issue 3 through the whole stack: createReliabilityPolicy → openAIChatModel
 * (the real @langchain/openai client, maxRetries 0) → real HTTP on loopback → the
 * fault-injecting server. Real timers: the waits are measured at the server.
 */

const apiKey = 'sk-test';
const server = createOpenAITestServer({ apiKey });

const policyOptions = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxRetryAfterMs: 2_000,
  attemptTimeoutMs: 300,
  deadlineMs: 10_000,
  // Half the jitter window, every time: the backoff before the first retry is 50 ms.
  random: () => 0.5,
} satisfies ReliabilityPolicyOptions;

interface FaultRow {
  fault: string;
  requests: number;
  retries: number;
  failedAs: ModelErrorKind | undefined;
  /** What the policy decided to wait, and why. */
  plannedWaitMs: number | undefined;
  waitSource: 'backoff' | 'retry_hint' | undefined;
  /** The server's hint, measured from its receipt of the first request. */
  hintMs: number | undefined;
  /** A hint the policy refused to wait for (over maxRetryAfterMs). */
  refusedHintMs: number | undefined;
  /** The gap between the two requests at the server. */
  measuredWaitMs: number | undefined;
  outcome: string;
  elapsedMs: number;
}

const rows: FaultRow[] = [];
const maxAttemptRows: Array<{ maxAttempts: number; requests: number; outcome: string }> = [];
const agentRows: Array<{ fault: string; requests: number; status: string; code: string }> = [];

beforeAll(async () => {
  await server.start();
  // The client loads and compiles its request, stream and error paths on first use; warm
  // them up so the first measured wait does not include that one-off cost.
  server.enqueue(replies.serverError(500), replies.text('warm'), replies.text('warm'));
  const warmUp = openAIChatModel({ baseURL: server.baseURL, apiKey, model: 'gpt-4o-mini' });
  const signal = new AbortController().signal;
  await warmUp.generate(hello, { signal }).catch(() => undefined);
  await warmUp.generate(hello, { signal });
  await warmUp.generate(hello, { signal, onToken: () => {} });
});
afterAll(async () => {
  await server.close();
  const faultTable = markdownTable(
    [
      'Fault',
      'Requests',
      'First attempt typed as',
      'Wait planned (source)',
      'Server hint',
      'Gap measured at the server',
      'Retries',
      'Outcome',
      'Call took',
    ],
    rows.map((row) => [
      row.fault,
      row.requests,
      row.failedAs ? `\`${row.failedAs}\`` : '—',
      row.plannedWaitMs === undefined ? '—' : `${row.plannedWaitMs} ms (${row.waitSource})`,
      row.hintMs !== undefined
        ? `${row.hintMs} ms`
        : row.refusedHintMs !== undefined
          ? `${row.refusedHintMs} ms (refused)`
          : '—',
      row.measuredWaitMs === undefined ? '—' : `${row.measuredWaitMs} ms`,
      row.retries,
      row.outcome,
      `${row.elapsedMs} ms`,
    ]),
  );
  const agentTable = markdownTable(
    ['Fault, through an agent run (structuredCall)', 'Requests', 'Run status', 'Error code'],
    agentRows.map((row) => [row.fault, row.requests, row.status, `\`${row.code}\``]),
  );
  const attemptsTable = markdownTable(
    ['maxAttempts', 'Requests on persistent 503', 'Outcome'],
    maxAttemptRows.map((row) => [row.maxAttempts, row.requests, row.outcome]),
  );
  await writeFigures(
    'faults',
    { policyOptions: { ...policyOptions, random: '() => 0.5' }, rows, agentRows, maxAttemptRows },
    `${faultTable}\n\n${agentTable}\n\n${attemptsTable}\n`,
  );
});
beforeEach(() => {
  server.reset();
  server.setHandler(undefined);
});

/** Serves `first` to the first request and `then` to every later one. */
function script(first: (receivedAt: number) => ScriptedReply, then?: ScriptedReply) {
  server.setHandler((request) => {
    if (server.requests.length === 1) return first(request.receivedAt);
    return then ?? replies.httpError(500, 'agentchart test: no retry was expected');
  });
}

function row(testCase: FaultCase, measured: MeasuredCall): FaultRow {
  const [firstRequest] = measured.requests;
  const retry = measured.retries[0];
  return {
    fault: testCase.fault,
    requests: measured.requests.length,
    retries: measured.retries.length,
    failedAs: measured.attempts[0]?.errorKind,
    plannedWaitMs: retry?.delayMs,
    waitSource: retry?.delaySource,
    hintMs: testCase.hintMs && firstRequest && testCase.hintMs(firstRequest.receivedAt),
    refusedHintMs:
      !measured.outcome.ok && measured.outcome.error.kind === 'retry_hint_too_long'
        ? measured.outcome.error.retryAfterMs
        : undefined,
    measuredWaitMs: measured.gapsMs[0],
    outcome: describeOutcome(measured.outcome),
    elapsedMs: measured.elapsedMs,
  };
}

describe('createReliabilityPolicy over real HTTP, one fault at a time', () => {
  it.each(faultCases)('$fault: $requests request(s), then $outcome', async (testCase) => {
    script(testCase.reply, testCase.retryReply);
    // LangChain warns on the console when every tool call of an answer has invalid arguments.
    if (testCase.request === weather) vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = openAIChatModel({
      baseURL: server.baseURL,
      apiKey: testCase.apiKey ?? apiKey,
      model: 'gpt-4o-mini',
      streaming: testCase.streaming ?? false,
    });
    const measured = await measureCall({
      server,
      policy: createReliabilityPolicy(policyOptions),
      model,
      request: testCase.request ?? hello,
      collectTokens: testCase.streaming,
    });
    const result = row(testCase, measured);
    rows.push(result);

    expect(result.outcome).toBe(testCase.outcome);
    expect(result.requests).toBe(testCase.requests);
    // Every request after the first is a retry the policy announced; none follows a fatal error.
    expect(result.retries).toBe(testCase.requests - 1);
    expect(result.failedAs).toBe(testCase.failedAs);

    // What the policy decides is asserted exactly; what the server sees only from below (a
    // retry sent before its wait would be a defect). How late a loaded machine sends it is a
    // figure for docs/reliability.md (AGENTCHART_WRITE_FIGURES=1), not a unit test's bound.
    if (result.hintMs !== undefined) {
      // The policy plans the hint as it read it (a date a few ms later than the server wrote it).
      expect(result.waitSource).toBe('retry_hint');
      expect(Math.abs(result.plannedWaitMs! - result.hintMs)).toBeLessThanOrEqual(
        0.1 * result.hintMs,
      );
      expect(result.measuredWaitMs!).toBeGreaterThanOrEqual(0.9 * result.hintMs);
    } else if (result.plannedWaitMs !== undefined) {
      // No hint: full-jitter backoff, half of baseDelayMs with random() = 0.5.
      expect(result).toMatchObject({ waitSource: 'backoff', plannedWaitMs: 50 });
      // The gap at the server adds a round trip (and, for a stall, the attempt's timeout).
      const floor = result.plannedWaitMs + (result.failedAs === 'timeout' ? 300 : 0);
      expect(result.measuredWaitMs).toBeGreaterThanOrEqual(floor - 20);
    }
  });

  it('fails a hint over maxRetryAfterMs at once, with the 429 as its cause', async () => {
    script(() => replies.rateLimited({ retryAfterSeconds: 30 }));
    const { outcome, elapsedMs } = await measureCall({
      server,
      policy: createReliabilityPolicy(policyOptions),
      model: openAIChatModel({ baseURL: server.baseURL, apiKey, model: 'gpt-4o-mini' }),
      request: hello,
    });
    if (outcome.ok) throw new Error('expected the call to fail');
    expect(outcome.error).toMatchObject({
      kind: 'retry_hint_too_long',
      status: 429,
      retryAfterMs: 30_000,
    });
    expect(outcome.error.cause).toBeInstanceOf(ModelCallError);
    expect(outcome.error.cause).toMatchObject({ kind: 'rate_limited', status: 429 });
    // It fails at once: nowhere near the 30 s the server asked for.
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('surfaces the cut attempt’s tokens, then the retry’s, and answers with the retry', async () => {
    script(() => replies.cutMidway(replies.text('This answer is cut off mid-way'), 3), recovered);
    const { outcome, tokens } = await measureCall({
      server,
      policy: createReliabilityPolicy(policyOptions),
      model: openAIChatModel({ baseURL: server.baseURL, apiKey, model: 'gpt-4o-mini' }),
      request: hello,
      collectTokens: true,
    });
    expect(outcome.ok && outcome.result.response.content).toBe('Recovered answer.');
    expect(tokens).toEqual(['This ', 'answer ', 'Recovered ', 'answer.']);
  });

  it('delivers invalid tool arguments as the model wrote them, for core to validate', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    script(() => replies.toolCalls([{ name: 'get_weather', arguments: '{"city": Par' }]));
    const { outcome } = await measureCall({
      server,
      policy: createReliabilityPolicy(policyOptions),
      model: openAIChatModel({ baseURL: server.baseURL, apiKey, model: 'gpt-4o-mini' }),
      request: weather,
    });
    expect(outcome.ok && outcome.result.response.toolCalls).toEqual([
      { id: 'call_test_1_0', name: 'get_weather', arguments: '{"city": Par' },
    ]);
  });

  it.each([
    {
      fault: 'refusal',
      reply: () => replies.refusal('I will not classify this.'),
      code: 'output.refused',
    },
    {
      fault: '`finish_reason: length`',
      reply: () => replies.truncatedByLength('{"relevant": tr'),
      code: 'output.truncated',
    },
  ])(
    'types a $fault as $code in an agent run, after one request',
    async ({ fault, reply, code }) => {
      script(reply);
      const model = openAIChatModel({ baseURL: server.baseURL, apiKey, model: 'gpt-4o-mini' });
      const agent = classifierAgent(model, createReliabilityPolicy(policyOptions));
      const outcome = await agent.run({ input: { text: 'Repaint the Tay bridge' } });
      const errorCode = outcome.status === 'failed' ? outcome.error.code : 'none';
      agentRows.push({
        fault,
        requests: server.requests.length,
        status: outcome.status,
        code: errorCode,
      });
      expect(outcome.status).toBe('failed');
      expect(errorCode).toBe(code);
      expect(server.requests).toHaveLength(1);
    },
  );
});

describe('createReliabilityPolicy over real HTTP, when every attempt fails', () => {
  it.each([1, 3, 5])(
    'makes exactly maxAttempts = %i requests on a persistent 503',
    async (maxAttempts) => {
      server.setHandler(() => replies.serverError(503));
      const { outcome, requests } = await measureCall({
        server,
        policy: createReliabilityPolicy({ ...policyOptions, maxAttempts }),
        model: openAIChatModel({ baseURL: server.baseURL, apiKey, model: 'gpt-4o-mini' }),
        request: hello,
      });
      maxAttemptRows.push({
        maxAttempts,
        requests: requests.length,
        outcome: describeOutcome(outcome),
      });
      expect(describeOutcome(outcome)).toBe('ModelCallError server_error');
      expect(requests).toHaveLength(maxAttempts);
    },
  );
});
