import { createAgent } from '@agentchart/core';
import {
  createAgentInspector,
  type InspectionMessage,
  startInspectorRelay,
} from '@agentchart/inspect';
import { instrumentAgent } from '@agentchart/otel';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { demoModel } from './demo-model';
import { tenderPipeline } from './pipeline';
import { sampleTenders } from './tenders';

/** The demo's ten tenders, on the offline demo model without its simulated latency. */
function demoAgent(inspect?: ReturnType<typeof createAgentInspector>['inspect']) {
  return createAgent({
    machine: tenderPipeline,
    models: {
      classifier: demoModel({ name: 'demo-classifier', latencyMs: 0 }),
      writer: demoModel({ name: 'demo-writer', latencyMs: 0 }),
    },
    limits: { maxModelCalls: 20, maxSteps: 100 },
    ...(inspect ? { inspect } : {}),
  });
}

function paths(spans: readonly ReadableSpan[]): Set<string> {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const path = (span: ReadableSpan): string => {
    const parent = byId.get(span.parentSpanContext?.spanId ?? '');
    return parent ? `${path(parent)} > ${span.name}` : span.name;
  };
  return new Set(spans.map(path));
}

describe('the demo, observed', () => {
  it('streams the demo run to an inspector relay on 127.0.0.1: actors, events, snapshots and the harness facts', async () => {
    const relay = await startInspectorRelay({ host: '127.0.0.1', port: 0 });
    const viewer = new WebSocket(relay.url);
    const received: InspectionMessage[] = [];
    viewer.addEventListener('message', (event) => received.push(JSON.parse(String(event.data))));
    await new Promise((resolve) => viewer.addEventListener('open', resolve, { once: true }));
    const sent: InspectionMessage[] = [];
    const inspector = createAgentInspector({ url: relay.url, onMessage: (m) => sent.push(m) });
    const agent = demoAgent(inspector.inspect);
    inspector.attach(agent);
    try {
      for (const tender of sampleTenders) {
        await agent.run({ threadId: `demo:${tender.id}`, input: { tender } });
      }
      await inspector.stop();
      const deadline = Date.now() + 5_000;
      while (received.length < sent.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      viewer.close();
      await relay.close();
    }
    expect(received).toHaveLength(sent.length);
    const types = new Set(received.map((message) => message.type));
    expect(types).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot']));
    const names = new Set(
      received.flatMap((message) => (message.type === '@xstate.actor' ? [message.name] : [])),
    );
    for (const name of ['tenderPipeline', 'filter', 'rate', 'research', 'write']) {
      expect(names).toContain(name);
    }
    const values = new Set(
      received.flatMap((message) =>
        message.type === '@xstate.snapshot'
          ? [(message.snapshot as { value?: unknown }).value]
          : [],
      ),
    );
    for (const state of ['filtering', 'rating', 'researching', 'writing', 'bidReady']) {
      expect(values).toContain(state);
    }
    const facts = received.flatMap((message) =>
      message.type === '@xstate.event' && message.event.type.startsWith('agentchart.')
        ? [message.event]
        : [],
    );
    const calls = facts.filter((fact) => fact.type === 'agentchart.llm.call.end');
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.every((call) => call.usage.inputTokens > 0 && call.costUsd > 0)).toBe(true);
    expect(facts.some((fact) => fact.type === 'agentchart.llm.call.reask')).toBe(true);
    expect(facts.some((fact) => fact.type === 'agentchart.tool.call.invalid')).toBe(true);
    expect(facts.filter((fact) => fact.type === 'agentchart.run.end')).toHaveLength(
      sampleTenders.length,
    );
  });

  it('traces the demo run as GenAI spans under its chart states', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const agent = demoAgent();
    const stop = instrumentAgent(agent, { tracerProvider, meterProvider: false });
    for (const tender of sampleTenders) {
      await agent.run({ threadId: `demo:${tender.id}`, input: { tender } });
    }
    stop();
    const tree = paths(exporter.getFinishedSpans());
    for (const path of [
      'invoke_agent tenderPipeline > state filtering > chat demo-classifier',
      'invoke_agent tenderPipeline > state rating > chat demo-classifier',
      'invoke_agent tenderPipeline > state researching > chat demo-writer',
      'invoke_agent tenderPipeline > state researching > execute_tool buyer_history',
      'invoke_agent tenderPipeline > state writing > chat demo-writer',
    ]) {
      expect(tree).toContain(path);
    }
    const runs = exporter
      .getFinishedSpans()
      .filter((span) => span.name === 'invoke_agent tenderPipeline');
    expect(runs).toHaveLength(sampleTenders.length);
    await tracerProvider.shutdown();
  });
});
