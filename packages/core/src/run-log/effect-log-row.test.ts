import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../ledger/types';
import { effectLogRowOf } from './effect-log-row';

const secret = 'sk-canary-4f1b9e';

const call = (overrides: Partial<JournalEntry> = {}): JournalEntry => ({
  threadId: 't',
  key: 'classify#0/0:llm',
  site: 'classify',
  kind: 'llm',
  effect: 'idempotent',
  name: 'gpt-4o-mini',
  status: 'completed',
  startedAt: 1_000,
  finishedAt: 1_400,
  output: {
    response: {
      content: '{"relevant":true}',
      toolCalls: [],
      usage: { inputTokens: 120, outputTokens: 30 },
      finishReason: 'stop',
    },
    model: 'gpt-4o-mini-2024-07-18',
    attempts: 2,
    costUsd: 0.0012,
    cached: false,
  },
  meta: {
    agent: 'triage',
    state: 'review.classifying',
    tenantId: 'acme',
    requestHash: 'abc',
    endpoint: 'openai:gpt-4o-mini',
    latencyMs: 380,
    confidence: 0.7,
    escalation: { from: 'small', reason: 'low_confidence' },
    prompt: { id: 'triage', version: 4 },
  },
  ...overrides,
});

describe('effectLogRowOf', () => {
  it("types a completed model call's facts: who answered, what it billed, how long, how sure", () => {
    expect(effectLogRowOf(call())).toEqual({
      threadId: 't',
      key: 'classify#0/0:llm',
      site: 'classify',
      agent: 'triage',
      state: 'review.classifying',
      kind: 'llm',
      name: 'gpt-4o-mini',
      status: 'completed',
      model: 'gpt-4o-mini-2024-07-18',
      endpoint: 'openai:gpt-4o-mini',
      promptId: 'triage',
      promptVersion: '4',
      inputHash: 'abc',
      inputTokens: 120,
      outputTokens: 30,
      costUsd: 0.0012,
      latencyMs: 380,
      attempts: 2,
      cached: false,
      confidence: 0.7,
      escalated: true,
      errorCode: null,
      tenantId: 'acme',
      startedAt: 1_000,
      finishedAt: 1_400,
    });
  });

  it('bills nothing for a cache hit, an unfinished or failed call, or a child agent', () => {
    const output = call().output as Record<string, unknown>;
    const cached = effectLogRowOf(call({ output: { ...output, cached: true, costUsd: 0 } }));
    expect([cached.inputTokens, cached.outputTokens, cached.costUsd, cached.cached]).toEqual([
      0,
      0,
      0,
      true,
    ]);
    const { output: _, finishedAt: __, ...intent } = call();
    const started = effectLogRowOf({ ...intent, status: 'started' });
    expect([started.inputTokens, started.costUsd, started.attempts, started.model]).toEqual([
      null,
      null,
      null,
      'gpt-4o-mini',
    ]);
    const failed = effectLogRowOf({
      ...intent,
      status: 'failed',
      finishedAt: 1_900,
      error: { name: 'ModelCallError', code: 'model.rate_limited', message: '429' },
    });
    expect([failed.costUsd, failed.errorCode, failed.status]).toEqual([
      null,
      'model.rate_limited',
      'failed',
    ]);
    const child = effectLogRowOf({
      ...call(),
      kind: 'agent',
      name: 'summariser',
      output: { status: 'done', usage: { inputTokens: 99, costUsd: 1 } },
    });
    expect([child.inputTokens, child.costUsd, child.model, child.endpoint]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('marks an answer a guard blocked after it was paid for with guard.blocked, and still bills it (issue 12)', () => {
    const paid = call();
    const row = effectLogRowOf(
      call({
        output: {
          ...(paid.output as object),
          blocked: { guard: 'no-cards', reason: 'a card number' },
        },
      }),
    );
    expect(row).toMatchObject({ status: 'completed', errorCode: 'guard.blocked', costUsd: 0.0012 });
    expect(effectLogRowOf(paid).errorCode).toBeNull();
  });

  it('takes the latency from the times when the record has none, and a prompt version from meta.promptVersion', () => {
    const { latencyMs: _, prompt: __, ...meta } = call().meta!;
    const row = effectLogRowOf(call({ meta: { ...meta, promptVersion: 'v2' } }));
    expect([row.latencyMs, row.promptVersion, row.promptId]).toEqual([400, 'v2', null]);
  });

  it('keeps no content: a secret in a record’s input, output or error is in none of its columns', () => {
    const entries: JournalEntry[] = [
      call({
        output: {
          ...(call().output as object),
          response: {
            content: `the key is ${secret}`,
            toolCalls: [],
            usage: { inputTokens: 1, outputTokens: 1 },
            finishReason: 'stop',
          },
        },
      }),
      {
        threadId: 't',
        key: 'mail#0/0:tool:send_mail',
        site: 'mail',
        kind: 'tool',
        effect: 'unsafe',
        name: 'send_mail',
        status: 'failed',
        startedAt: 1,
        finishedAt: 2,
        input: { body: secret },
        error: { name: 'Error', code: 'tool.failed', message: `rejected ${secret}`, secret },
        meta: { agent: 'triage', inputHash: '0123456789abcdef' },
      },
      {
        threadId: 't',
        key: 'approve#0/0:human',
        site: 'approve',
        kind: 'human',
        effect: 'pure',
        name: 'human',
        status: 'completed',
        startedAt: 1,
        finishedAt: 2,
        input: `Send ${secret}?`,
        output: { approved: true, note: secret },
        meta: { agent: 'triage', replySchema: { type: 'object' } },
      },
    ];
    for (const entry of entries) {
      expect(JSON.stringify(effectLogRowOf(entry))).not.toContain(secret);
    }
  });
});
