import { type Agent, DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import { type MeterProvider, metrics, type TracerProvider, trace } from '@opentelemetry/api';
import { GenAiMetrics } from './metrics/gen-ai-metrics';
import { AgentTracer } from './trace/agent-tracer';
import { invokingStates } from './trace/invoking-states';

/** The instrumentation scope name spans and metrics are reported under. */
export const instrumentationName = '@agentchart/otel';
const instrumentationVersion = '0.1.0';

/** Options of {@link instrumentAgent}. */
export interface InstrumentAgentOptions {
  /** Where spans go. Default: the global tracer provider (`trace.setGlobalTracerProvider`). */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Where the GenAI client metrics go. Default: the global meter provider; `false` records
   * none.
   */
  meterProvider?: MeterProvider | false | undefined;
  /**
   * Record message content: the messages sent and received (`gen_ai.input.messages`,
   * `gen_ai.output.messages`), tool definitions, tool arguments and results, a run's input and
   * human-wait prompts, and error messages as span status messages (without it, a failed
   * span's status message is the error's code: a message quotes the input that caused it,
   * often the model's own text). Off by default — content is often personal data, and large. What is
   * recorded is what the pipeline passes on after your own middleware ran before telemetry;
   * redact in a middleware placed before it, or in your exporter. Default false.
   */
  captureContent?: boolean | undefined;
}

/** Every option: a misspelt `tracerProvider` would otherwise send the spans nowhere. */
const optionNames = Object.keys({
  tracerProvider: true,
  meterProvider: true,
  captureContent: true,
} satisfies Record<keyof InstrumentAgentOptions, true>);

/**
 * Reports every run of `agent` as OpenTelemetry spans and metrics with the GenAI semantic
 * conventions: an `invoke_agent` span per run (per segment between rests), a span per chart
 * state, `chat` spans for model calls and `execute_tool` spans for tool calls under the state
 * that made them, child agents' runs under the state that invoked them; and the metrics
 * `gen_ai.client.token.usage` and `gen_ai.client.operation.duration`. Only
 * `@opentelemetry/api` is used: bring your own SDK and exporter. Returns a function that
 * stops it; spans still open then (runs in flight, runs resting `waiting` have none) end at
 * that moment with `agentchart.run.status = unobserved`.
 *
 * @example
 * ```ts
 * const provider = new NodeTracerProvider({
 *   spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { maxQueueSize: 16_384 })],
 * });
 * const stop = instrumentAgent(agent, { tracerProvider: provider });
 * await agent.run({ input });
 * stop();
 * ```
 *
 * @throws DefinitionError `definition.invalid_option` for a name that is not an option.
 */
export function instrumentAgent(
  agent: Pick<Agent, 'events' | 'machine'>,
  options: InstrumentAgentOptions = {},
): () => void {
  const shape = agent as { events?: { onAny?: unknown }; machine?: { root?: unknown } } | null;
  if (typeof shape?.events?.onAny !== 'function' || typeof shape.machine?.root !== 'object') {
    // Without this, the options object or a run handle given by mistake failed with a
    // TypeError from inside ("Cannot read properties of undefined").
    throw new DefinitionError(
      'definition.invalid_option',
      `instrumentAgent: the first argument must be the agent createAgent returned (with its events and machine), got ${describeValue(agent)}. Call instrumentAgent(agent, { tracerProvider }) once, after createAgent.`,
    );
  }
  checkOptionNames('instrumentAgent', options, optionNames);
  const { tracerProvider, meterProvider, captureContent = false } = options;
  const providers: [string, unknown, string, string][] = [
    ['tracerProvider', tracerProvider, 'getTracer', "the SDK's NodeTracerProvider"],
    [
      'meterProvider',
      meterProvider === false ? undefined : meterProvider,
      'getMeter',
      "the SDK's MeterProvider, or false",
    ],
  ];
  for (const [name, provider, method, example] of providers) {
    // Without this, a provider that is not one failed with a TypeError from inside.
    if (
      provider !== undefined &&
      typeof (provider as Record<string, unknown> | null)?.[method] !== 'function'
    ) {
      throw new DefinitionError(
        'definition.invalid_option',
        `instrumentAgent: ${name} is ${describeValue(provider)}. Give an OpenTelemetry provider (an object with ${method}()), such as ${example}, or leave it out for the global one.`,
      );
    }
  }
  if (typeof captureContent !== 'boolean') {
    // A string such as 'false' is truthy: prompts and messages would go into every span.
    throw new DefinitionError(
      'definition.invalid_option',
      `instrumentAgent: captureContent is ${describeValue(captureContent)}. Give true (prompts, inputs and outputs go into spans) or false (the default).`,
    );
  }
  const tracer = (tracerProvider ?? trace.getTracerProvider()).getTracer(
    instrumentationName,
    instrumentationVersion,
  );
  const meter =
    meterProvider === false
      ? undefined
      : (meterProvider ?? metrics.getMeterProvider()).getMeter(
          instrumentationName,
          instrumentationVersion,
        );
  const tracing = new AgentTracer({
    tracer,
    metrics: meter ? new GenAiMetrics(meter) : undefined,
    captureContent,
    invoking: invokingStates(agent.machine),
  });
  const unsubscribe = agent.events.onAny((event) => tracing.handle(event));
  return () => {
    unsubscribe();
    tracing.close();
  };
}
