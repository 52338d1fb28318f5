import type { RunEvent } from '@agentchart/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { AgentTracer } from './agent-tracer';

const event = (type: string, threadId: string, at: number, fields: object = {}) =>
  ({ type, threadId, at, ...fields }) as unknown as RunEvent;

function tracer(maxRestingThreads: number) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracing = new AgentTracer({
    tracer: provider.getTracer('test'),
    metrics: undefined,
    captureContent: false,
    invoking: new Map(),
    maxRestingThreads,
  });
  return { tracing, exporter };
}

describe('AgentTracer', () => {
  it('keeps at most maxRestingThreads traces, forgetting the thread resting longest (issue 12)', () => {
    const { tracing, exporter } = tracer(2);
    const start = (threadId: string, at: number, resumed = false) =>
      tracing.handle(
        event('run.start', threadId, at, { agent: 'a', sessionId: `s-${threadId}`, resumed }),
      );
    // A thread still running is never forgotten, however many rest after it.
    start('running', 0);
    for (const [at, threadId] of ['w1', 'w2', 'w3'].entries()) {
      start(threadId, at + 1);
      tracing.handle(event('run.waiting', threadId, at + 2, { waitIds: ['x'] }));
    }
    expect(tracing.size).toBe(2);

    // w3 rested last and is kept: its next segment links to the one it rested in.
    start('w3', 10, true);
    tracing.handle(event('run.end', 'w3', 11, { status: 'done', usage: usage() }));
    tracing.handle(event('run.end', 'running', 12, { status: 'done', usage: usage() }));
    const w3 = exporter
      .getFinishedSpans()
      .filter((span) => span.attributes['gen_ai.conversation.id'] === 'w3');
    expect(w3).toHaveLength(2);
    expect(w3[1]?.links.map((link) => link.context.spanId)).toEqual([w3[0]?.spanContext().spanId]);
    expect(tracing.size).toBe(0);
  });
});

function usage() {
  return { inputTokens: 0, outputTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0, steps: 0 };
}

describe('AgentTracer without captureContent', () => {
  it("keeps the provider's error text off retry, fallback and breaker events", () => {
    const { tracing, exporter } = tracer(10);
    const leak = 'server_error: unavailable for alice@example.com';
    tracing.handle(event('run.start', 't', 0, { agent: 'a', sessionId: 's', resumed: false }));
    tracing.handle(
      event('llm.call.start', 't', 1, {
        callId: 'c1',
        site: '0.a',
        model: 'gpt-4o-mini',
        endpoint: 'openai:gpt-4o-mini',
        request: { messages: [] },
      }),
    );
    tracing.handle(
      event('llm.call.retry', 't', 2, {
        callId: 'c1',
        attempt: 1,
        delayMs: 10,
        reason: leak,
        endpoint: 'openai:gpt-4o-mini',
      }),
    );
    tracing.handle(
      event('llm.call.fallback', 't', 3, { callId: 'c1', from: 'a', to: 'b', reason: leak }),
    );
    tracing.handle(
      event('breaker.change', 't', 4, {
        endpoint: 'openai:gpt-4o-mini',
        from: 'closed',
        to: 'open',
        reason: `open after 20 calls failed in a row; last: ${leak}`,
      }),
    );
    tracing.handle(event('run.end', 't', 5, { status: 'done', usage: usage() }));
    // Before: each event carried the reason, and with it the address the gateway echoed.
    const attributes = exporter
      .getFinishedSpans()
      .flatMap((span) => span.events.map((spanEvent) => JSON.stringify(spanEvent.attributes)));
    expect(attributes.length).toBeGreaterThanOrEqual(3);
    expect(attributes.join('\n')).not.toContain('alice@example.com');
  });
});
