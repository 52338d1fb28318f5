import type { JournalEntry } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { activeStateIds, buildRunTimeline, leafStates } from './build-run-timeline';
import type { EffectStep } from './types';

const llm = (key: string, startedAt: number, meta: Record<string, unknown>): JournalEntry => ({
  threadId: 't',
  key,
  site: 'research',
  kind: 'llm',
  effect: 'idempotent',
  name: 'writer',
  status: 'completed',
  startedAt,
  finishedAt: startedAt + 40,
  output: {
    response: { content: 'ok', toolCalls: [], usage: { inputTokens: 100, outputTokens: 20 } },
    attempts: 2,
    costUsd: 0.001,
    cached: false,
  },
  meta,
});

describe('buildRunTimeline', () => {
  it('names every active state of nested and parallel values, and finds the deepest', () => {
    const ids = activeStateIds({ open: { light: 'dim', alarm: 'armed' } });
    expect(ids).toEqual([
      '',
      'open',
      'open.light',
      'open.light.dim',
      'open.alarm',
      'open.alarm.armed',
    ]);
    expect(leafStates(ids)).toEqual(['open.light.dim', 'open.alarm.armed']);
  });

  it('merges checkpoints and effects in time order, with context changes, messages and heat', () => {
    const { steps, heat, waits } = buildRunTimeline({
      checkpoints: [
        {
          version: 1,
          createdAt: 100,
          status: 'running',
          value: 'researching',
          context: { a: 1 },
          costUsd: 0,
          tokens: 0,
        },
        {
          version: 2,
          createdAt: 300,
          status: 'waiting',
          value: 'approving',
          context: { a: 1, notes: 'x' },
          costUsd: 0.002,
          tokens: 240,
        },
      ],
      journal: [
        llm('research#0/0:llm', 120, {
          request: {
            messages: [
              { role: 'system', content: 'S' },
              { role: 'user', content: 'U' },
            ],
          },
          ledger: {
            contextWindow: 8000,
            sections: { system: 5, history: 0 },
            inputTokens: 100,
            tokenTax: 0.01,
            trimmed: [],
          },
        }),
        llm('research#0/2:llm', 200, {
          prompt: { id: 'research-notes', version: 2 },
          request: {
            after: 'research#0/0:llm',
            keep: 2,
            messages: [{ role: 'tool', name: 'lookup', content: 'ACME', toolCallId: 'c' }],
          },
        }),
        {
          threadId: 't',
          key: 'approve#0/0:human',
          site: 'approve',
          kind: 'human',
          effect: 'pure',
          name: 'human',
          status: 'started',
          startedAt: 310,
          input: 'Send it?',
          meta: { replySchema: { type: 'boolean' } },
        },
      ],
      stateOfInvoke: new Map([
        ['research', 'researching'],
        ['approve', 'approving'],
      ]),
      endedAt: 500,
    });
    expect(steps.map((step) => `${step.index}:${step.kind}`)).toEqual([
      '0:checkpoint',
      '1:model-call',
      '2:model-call',
      '3:checkpoint',
      '4:human-wait',
    ]);
    expect(steps[3]).toMatchObject({ contextChanges: [{ key: 'notes', after: 'x' }] });
    const second = steps[2] as EffectStep;
    expect(second.messages?.map((message) => message.content)).toEqual(['S', 'U', 'ACME']);
    expect(second).toMatchObject({
      promptVersion: 'research-notes v2',
      state: 'researching',
      activeStates: ['', 'researching'],
      attempts: 2,
      latencyMs: 40,
    });
    // The journal leaves the figures from before budgeting out when budgeting changed nothing.
    expect((steps[1] as EffectStep).ledger).toEqual({
      contextWindow: 8000,
      sections: { system: 5, history: 0 },
      sectionsBefore: { system: 5, history: 0 },
      inputTokens: 100,
      tokenTax: 0.01,
      trimmed: 0,
    });
    expect(heat.researching).toEqual({
      costUsd: 0.002,
      durationMs: 200,
      modelCalls: 2,
      tokens: 240,
    });
    expect(heat.approving).toEqual({ costUsd: 0, durationMs: 200, modelCalls: 0, tokens: 0 });
    expect(waits).toEqual([
      { waitId: 'approve#0/0:human', prompt: 'Send it?', replySchema: { type: 'boolean' } },
    ]);
  });

  it("sums a model call's cost on the state the journal recorded when the chart is unknown", () => {
    // Before: without the agent's module (no invoke map) every call had no state, and the heat
    // table showed the state that spent the run's money at $0 and 0 model calls.
    const { steps, heat } = buildRunTimeline({
      checkpoints: [
        {
          version: 1,
          createdAt: 100,
          status: 'waiting',
          value: { review: 'legal' },
          context: {},
          costUsd: 0.001,
          tokens: 120,
        },
      ],
      journal: [llm('research#0/0:llm', 90, { state: 'review.legal' })],
      endedAt: 200,
    });
    expect(steps.find((step) => step.kind === 'model-call')).toMatchObject({
      state: 'review.legal',
    });
    expect(heat['review.legal']).toEqual({
      costUsd: 0.001,
      durationMs: 100,
      modelCalls: 1,
      tokens: 120,
    });
  });

  it('shows a completed step that stopped its effect as an error: a blocked answer, a failed child (issue 14)', () => {
    const blocked = llm('research#0/0:llm', 200, {});
    blocked.output = {
      ...(blocked.output as object),
      blocked: { guard: 'no-cards', reason: 'a card number' },
    };
    const child: JournalEntry = {
      ...llm('research#0/1:agent', 300, {}),
      kind: 'agent',
      name: 'helper',
      output: {
        status: 'failed',
        error: { code: 'model.bad_request', message: 'no such parameter' },
      },
    };
    const { steps } = buildRunTimeline({
      checkpoints: [],
      journal: [blocked, child],
      endedAt: 400,
    });
    const errors = (steps as EffectStep[]).map((step) => step.error);
    expect(errors).toEqual([
      { code: 'guard.blocked', message: expect.stringContaining('a card number') },
      { code: 'model.bad_request', message: expect.stringContaining('no such parameter') },
    ]);
  });
});
