import type { RunEvent, RunEventType, SerializedError } from '@agentchart/core';
import { addUsd } from '@agentchart/core/cost';
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api';
import { Agentchart, GenAi, Operation } from '../attributes';
import {
  inputMessagesJson,
  jsonText,
  outputMessagesJson,
  toolDefinitionsJson,
} from '../content/semconv-messages';
import { endpointInfo } from '../endpoint-info';
import { errorTypeOf } from '../error-type';
import type { GenAiMetrics } from '../metrics/gen-ai-metrics';
import { statusMessage } from '../status-message';
import { type OpenCall, ThreadTrace } from './thread-trace';

type EventOf<TType extends RunEventType> = RunEvent<TType>;

/** Options of {@link AgentTracer}. */
export interface AgentTracerOptions {
  tracer: Tracer;
  metrics: GenAiMetrics | undefined;
  captureContent: boolean;
  /** Invoke id → invoking state of the agent's own machine (not of its child agents'). */
  invoking: ReadonlyMap<string, string>;
  /**
   * Threads traced at once, past which the one resting `waiting` longest is forgotten when
   * another comes to rest. A resting thread's trace is kept for its next segment (the link
   * to the last one, the caller's context, facts reported while resting), but it may be
   * continued by another process and never wake here. Default 10 000.
   */
  maxRestingThreads?: number;
}

/**
 * Turns one agent's run events into spans: `invoke_agent` per run segment, a span per chart
 * state under it, `chat` and `execute_tool` spans under the state that made the call, and a
 * child agent's runs under the parent's state that invoked it. Spans are timed by the events'
 * clock, so traces of a run on a test clock are deterministic.
 */
export class AgentTracer {
  readonly #options: AgentTracerOptions;
  readonly #threads = new Map<string, ThreadTrace>();
  /**
   * Starts under the id of a thread traced here, which the store refuses: a thread traced
   * here is stored (or running here, and then the start throws before any event). Each gets
   * a trace of its own, so the caller's start is not put in the other thread's trace.
   */
  readonly #refusing = new Map<string, ThreadTrace>();

  constructor(options: AgentTracerOptions) {
    this.#options = options;
  }

  /** Handles one event of the agent's stream. */
  handle(event: RunEvent): void {
    (this.#handlers[event.type] as ((event: RunEvent) => void) | undefined)?.(event);
  }

  /** What each event does to the trace; llm.token and listener.error make no span. */
  readonly #handlers: { [TType in RunEventType]?: (event: EventOf<TType>) => void } = {
    'run.start': (event) => this.#runStart(event),
    'run.waiting': (event) => this.#rest(event.threadId, event.at),
    'run.end': (event) => this.#runEnd(event),
    'state.enter': (event) => this.#thread(event)?.enterState(event.state, event.at),
    'state.exit': (event) => this.#thread(event)?.exitState(event.state, event.at),
    'budget.ledger': (event) => {
      this.#thread(event)?.ledgers.set(event.callId, event.ledger);
    },
    'llm.call.start': (event) => this.#chatStart(event),
    'llm.call.end': (event) => this.#chatEnd(event),
    'llm.call.error': (event) => this.#chatError(event),
    'llm.call.retry': ({ threadId, callId, at, attempt, delayMs, reason, endpoint }) => {
      this.#threads
        .get(threadId)
        ?.chats.get(callId)
        ?.span.addEvent(
          'agentchart.retry',
          { attempt, delay_ms: delayMs, endpoint, ...this.#errorText(reason) },
          at,
        );
    },
    'llm.call.fallback': ({ threadId, callId, at, from, to, reason }) => {
      this.#threads
        .get(threadId)
        ?.chats.get(callId)
        ?.span.addEvent('agentchart.fallback', { from, to, ...this.#errorText(reason) }, at);
    },
    'tool.call.start': (event) => this.#toolStart(event),
    'tool.call.end': (event) => this.#toolEnd(event),
    'tool.call.error': (event) => this.#toolError(event),
    'checkpoint.write': (event) => {
      const thread = this.#thread(event);
      if (thread) thread.checkpoints++;
    },
    'llm.call.reask': (event) =>
      this.#event(event, 'agentchart.reask', {
        [Agentchart.callId]: event.callId,
        attempt: event.attempt,
        // Why the answer did not parse may quote it (a JSON parser's message does).
        ...(this.#options.captureContent ? { reason: event.reason } : {}),
      }),
    'tool.call.invalid': (event) =>
      this.#event(event, 'agentchart.tool.invalid', {
        [GenAi.toolName]: event.tool,
        [GenAi.toolCallId]: event.callId,
        // Why the arguments are invalid may quote them: the model's text.
        ...(this.#options.captureContent ? { message: event.message } : {}),
      }),
    'human.wait': (event) =>
      this.#event(event, 'agentchart.human.wait', {
        wait_id: event.waitId,
        ...(event.deadline === undefined ? {} : { deadline: event.deadline }),
        ...(this.#options.captureContent ? { prompt: event.prompt } : {}),
      }),
    'human.reply': (event) =>
      this.#event(event, 'agentchart.human.reply', { wait_id: event.waitId }),
    'approval.request': (event) =>
      this.#event(event, 'agentchart.approval.request', {
        wait_id: event.waitId,
        [GenAi.toolName]: event.tool,
        arguments_hash: event.argumentsHash,
        reason: event.reason,
      }),
    'approval.decision': (event) =>
      this.#event(event, 'agentchart.approval.decision', {
        wait_id: event.waitId,
        [GenAi.toolName]: event.tool,
        approved: event.approved,
      }),
    'guard.block': (event) => this.#guardBlock(event),
    'limit.reached': (event) =>
      this.#event(event, 'agentchart.limit.reached', {
        limit: event.limit,
        value: event.value,
        max: event.max,
      }),
    'effect.replayed': (event) =>
      this.#event(event, 'agentchart.effect.replayed', {
        [Agentchart.site]: event.site,
        key: event.key,
        kind: event.kind,
      }),
    'effect.ambiguous': (event) =>
      this.#event(event, 'agentchart.effect.ambiguous', {
        [Agentchart.site]: event.site,
        key: event.key,
        [GenAi.toolName]: event.tool,
      }),
    'breaker.change': (event) =>
      this.#event(event, 'agentchart.breaker.change', {
        endpoint: event.endpoint,
        from: event.from,
        to: event.to,
        ...this.#errorText(event.reason),
      }),
    'agent.warning': (event) =>
      this.#event(event, 'agentchart.warning', { code: event.code, message: event.message }),
  };

  /**
   * Ends every span still open, now: once nobody listens, no event would end them, and an
   * unended span is never exported.
   */
  close(): void {
    const now = Date.now();
    for (const thread of [...this.#threads.values(), ...this.#refusing.values()]) {
      thread.endSegment(now, { [Agentchart.runStatus]: 'unobserved' })?.end(now);
    }
    this.#threads.clear();
    this.#refusing.clear();
  }

  /** The thread's trace; events of a thread that started before instrumenting are skipped. */
  #thread(event: RunEvent): ThreadTrace | undefined {
    // While a refused start is under way the thread's own run is not (the refused start
    // holds its lease until its first checkpoint is refused): its events are the start's.
    return this.#refusing.get(event.threadId) ?? this.#threads.get(event.threadId);
  }

  #event(event: RunEvent, name: string, attributes: Attributes): void {
    this.#thread(event)?.addEvent(name, attributes, event.at);
  }

  #runStart(event: EventOf<'run.start'>): void {
    const { threadId, at } = event;
    let thread = this.#threads.get(threadId);
    if (!thread || !event.resumed) {
      const parent = this.#parentOf(event);
      const started = new ThreadTrace({
        tracer: this.#options.tracer,
        threadId,
        agent: event.agent,
        parent: parent.context,
        invoking: parent.isChild ? undefined : this.#options.invoking,
      });
      // A new start under the id of a thread traced here: kept apart from that thread's trace.
      if (thread) this.#refusing.set(threadId, started);
      else this.#threads.set(threadId, started);
      thread = started;
    } else {
      thread.forgetStates(at);
    }
    thread.segment(at, {
      [Agentchart.runResumed]: event.resumed,
      ...(this.#options.captureContent ? { [Agentchart.runInput]: jsonText(event.input) } : {}),
    });
  }

  /**
   * Where a thread's runs hang: a child agent's run (its `parentThreadId`; its thread id is
   * `<parent>/<site>#<n>`) under the state of its parent that invoked it; any other under the
   * caller's active context. A thread whose id merely begins with a traced thread's and a
   * slash is a thread of its own, perhaps another tenant's: it never joins that trace.
   */
  #parentOf({ threadId, parentThreadId, at }: EventOf<'run.start'>): {
    context: Context;
    isChild: boolean;
  } {
    const parent = parentThreadId === undefined ? undefined : this.#threads.get(parentThreadId);
    if (!parent || !threadId.startsWith(`${parent.threadId}/`)) {
      return { context: context.active(), isChild: false };
    }
    const site = threadId.slice(parent.threadId.length + 1).replace(/#\d+$/, '');
    return { context: parent.contextOf(parent.spanForSite(site, at)), isChild: true };
  }

  #rest(threadId: string, at: number): void {
    const refusing = this.#refusing.get(threadId);
    if (refusing) {
      // Not refused after all (the thread traced here was gone from the store): the new
      // thread is the one under this id now.
      this.#refusing.delete(threadId);
      this.#threads.set(threadId, refusing);
    }
    const thread = this.#threads.get(threadId);
    if (!thread) return;
    thread.endSegment(at, { [Agentchart.runStatus]: 'waiting' })?.end(at);
    // The latest to rest goes last: the threads resting longest are first in the map.
    this.#threads.delete(threadId);
    this.#threads.set(threadId, thread);
    const { maxRestingThreads = 10_000 } = this.#options;
    if (this.#threads.size <= maxRestingThreads) return;
    for (const [id, candidate] of this.#threads) {
      if (candidate.open) continue;
      this.#threads.delete(id);
      return;
    }
  }

  /** Threads traced now: running, or resting and kept for their next segment. */
  get size(): number {
    return this.#threads.size + this.#refusing.size;
  }

  #runEnd(event: EventOf<'run.end'>): void {
    const thread = this.#thread(event);
    if (!thread) return;
    const { usage, status, error } = event;
    // A run ending without a segment open (it ended while resting) still gets one, closed now.
    thread.segment(event.at);
    this.#failCutOffCalls(thread, event);
    const span = thread.endSegment(event.at, {
      // A run handed back by close() is not over: it goes on in another process. A refused
      // start did not fail its thread: the thread is another run's, untouched.
      [Agentchart.runStatus]: event.handedBack ? 'handed_back' : event.refused ? 'refused' : status,
      [Agentchart.threadInputTokens]: usage.inputTokens,
      [Agentchart.threadOutputTokens]: usage.outputTokens,
      [Agentchart.threadCostUsd]: usage.costUsd,
      [Agentchart.threadModelCalls]: usage.modelCalls,
      [Agentchart.threadToolCalls]: usage.toolCalls,
      ...(status === 'failed' ? { [GenAi.errorType]: errorTypeOf(error) } : {}),
    });
    if (status === 'failed')
      span?.setStatus({
        code: SpanStatusCode.ERROR,
        message: statusMessage(error, this.#options.captureContent),
      });
    span?.end(event.at);
    // A refused start leaves the thread it was refused on traced, for its next segment.
    if (this.#refusing.delete(event.threadId) && event.refused) return;
    this.#threads.delete(event.threadId);
  }

  /**
   * A guard stopped a call: on its `chat` span while that is open (an answer blocked after
   * it was paid for), else on the state's span (a request blocked before it was sent).
   */
  #guardBlock(event: EventOf<'guard.block'>): void {
    const attributes = {
      guard: event.guard,
      stage: event.stage,
      reason: event.reason,
      [Agentchart.callId]: event.callId,
    };
    const call = this.#thread(event)?.chats.get(event.callId);
    if (call) call.span.addEvent('agentchart.guard.block', attributes, event.at);
    else this.#event(event, 'agentchart.guard.block', attributes);
  }

  /**
   * A retry's, fallback's or breaker's `reason`, only with `captureContent`: it quotes the
   * provider's error message, which may echo the request (a gateway's "unavailable for
   * alice@example.com"), as a failed span's status message would — that one carries the
   * error code alone for the same cause.
   */
  #errorText(reason: string): { reason?: string } {
    return this.#options.captureContent ? { reason } : {};
  }

  #chatStart(event: EventOf<'llm.call.start'>): void {
    const thread = this.#thread(event);
    if (!thread) return;
    const { request, model, callId, at } = event;
    const endpoint = endpointInfo(event.endpoint, model);
    const metricAttributes: Attributes = {
      [GenAi.operationName]: Operation.chat,
      [GenAi.providerName]: endpoint.provider,
      [GenAi.requestModel]: model,
      ...(endpoint.address === undefined ? {} : { [GenAi.serverAddress]: endpoint.address }),
      ...(endpoint.port === undefined ? {} : { [GenAi.serverPort]: endpoint.port }),
    };
    const parent = thread.spanForSite(event.site, at);
    const segment = thread.segment(at);
    segment.setAttribute(GenAi.providerName, endpoint.provider);
    const ledger = thread.ledgers.get(callId);
    thread.ledgers.delete(callId);
    const format = request.responseFormat?.type;
    const span = this.#options.tracer.startSpan(
      `${Operation.chat} ${model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: at,
        attributes: {
          ...metricAttributes,
          [GenAi.conversationId]: thread.threadId,
          [GenAi.agentName]: thread.agent,
          [GenAi.outputType]:
            format === 'json_schema' || format === 'json_object' ? 'json' : 'text',
          ...(request.temperature === undefined
            ? {}
            : { [GenAi.requestTemperature]: request.temperature }),
          ...(request.maxOutputTokens === undefined
            ? {}
            : { [GenAi.requestMaxTokens]: request.maxOutputTokens }),
          [Agentchart.site]: event.site,
          [Agentchart.callId]: callId,
          [Agentchart.inputHash]: event.inputHash,
          ...(ledger
            ? {
                [Agentchart.budgetContextWindow]: ledger.contextWindow,
                [Agentchart.budgetInputTokens]: ledger.inputTokens,
                [Agentchart.budgetTokenTax]: ledger.tokenTax,
                [Agentchart.budgetTrimmed]: ledger.trimmed.length,
              }
            : {}),
          ...(this.#options.captureContent
            ? {
                [GenAi.inputMessages]: inputMessagesJson(request.messages),
                ...(request.tools?.length
                  ? { [GenAi.toolDefinitions]: toolDefinitionsJson(request.tools) }
                  : {}),
              }
            : {}),
        },
      },
      thread.contextOf(parent),
    );
    thread.chats.set(callId, { span, metricAttributes, startedAt: at });
  }

  #chatEnd(event: EventOf<'llm.call.end'>): void {
    const thread = this.#thread(event);
    const call = thread?.chats.get(event.callId);
    if (!thread || !call) return;
    thread.chats.delete(event.callId);
    const { usage, response, at } = event;
    const { span } = call;
    span.setAttributes({
      [GenAi.responseModel]: response.model ?? event.model,
      [GenAi.responseFinishReasons]: [event.finishReason],
      [GenAi.usageInputTokens]: usage.inputTokens,
      [GenAi.usageOutputTokens]: usage.outputTokens,
      ...(usage.cachedInputTokens === undefined
        ? {}
        : { [GenAi.usageCacheReadInputTokens]: usage.cachedInputTokens }),
      [Agentchart.costUsd]: event.costUsd,
      [Agentchart.cached]: event.cached,
      [Agentchart.retries]: event.retries,
      ...(event.confidence === undefined ? {} : { [Agentchart.confidence]: event.confidence }),
      ...(this.#options.captureContent
        ? { [GenAi.outputMessages]: outputMessagesJson(response) }
        : {}),
    });
    span.end(at);
    if (!event.cached) {
      thread.segmentUsage.inputTokens += usage.inputTokens;
      thread.segmentUsage.outputTokens += usage.outputTokens;
      // Added as run.usage adds, so the segment's cost equals the run's to the last digit.
      thread.segmentUsage.costUsd = addUsd(thread.segmentUsage.costUsd, event.costUsd);
    }
    const metrics = this.#options.metrics;
    if (!metrics) return;
    const attributes = {
      ...call.metricAttributes,
      [GenAi.responseModel]: response.model ?? event.model,
    };
    metrics.recordDuration(
      { ...attributes, [Agentchart.cached]: event.cached },
      event.latencyMs / 1000,
    );
    // A cache hit used no tokens: the conventions count billable tokens.
    if (!event.cached) metrics.recordTokens(attributes, usage.inputTokens, usage.outputTokens);
  }

  #chatError(event: EventOf<'llm.call.error'>): void {
    const thread = this.#thread(event);
    const call = thread?.chats.get(event.callId);
    if (!thread || !call) return;
    thread.chats.delete(event.callId);
    this.#failChat(call, event.error, event.at);
  }

  #failChat(call: OpenCall, error: SerializedError, at: number): void {
    const errorType = errorTypeOf(error);
    call.span.setAttribute(GenAi.errorType, errorType);
    call.span.setStatus({
      code: SpanStatusCode.ERROR,
      message: statusMessage(error, this.#options.captureContent),
    });
    call.span.end(at);
    this.#options.metrics?.recordDuration(
      { ...call.metricAttributes, [GenAi.errorType]: errorType },
      Math.max(0, at - call.startedAt) / 1000,
    );
  }

  /**
   * Fails the model and tool calls still open when their run ends: the end aborted them. Their
   * own `llm.call.error` / `tool.call.error` comes once the call has unwound, which for a real
   * HTTP client or a tool that honours its signal a few milliseconds late is after `run.end`,
   * when the thread is gone here: the spans ended with no status, as if the calls had answered.
   * They carry the codes those events would (`model.aborted`, `effect.aborted`).
   */
  #failCutOffCalls(thread: ThreadTrace, event: EventOf<'run.end'>): void {
    const message = `Run "${event.threadId}" ended (${event.status}) while the call was in flight: it was aborted.`;
    for (const call of thread.chats.values()) {
      this.#failChat(call, { name: 'ModelCallError', code: 'model.aborted', message }, event.at);
    }
    for (const span of thread.tools.values()) {
      this.#failTool(span, { name: 'RunError', code: 'effect.aborted', message }, event.at);
    }
    thread.chats.clear();
    thread.tools.clear();
  }

  #toolStart(event: EventOf<'tool.call.start'>): void {
    const thread = this.#thread(event);
    if (!thread) return;
    const { at, tool, callId } = event;
    const parent = thread.spanForSite(event.site, at);
    const span = this.#options.tracer.startSpan(
      `${Operation.executeTool} ${tool}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: at,
        attributes: {
          [GenAi.operationName]: Operation.executeTool,
          [GenAi.toolName]: tool,
          [GenAi.toolCallId]: callId,
          [GenAi.toolType]: 'function',
          [GenAi.conversationId]: thread.threadId,
          [Agentchart.site]: event.site,
          ...(this.#options.captureContent
            ? { [GenAi.toolCallArguments]: jsonText(event.input) }
            : {}),
        },
      },
      thread.contextOf(parent),
    );
    thread.tools.set(callId, span);
  }

  #toolEnd(event: EventOf<'tool.call.end'>): void {
    const thread = this.#thread(event);
    const span = thread?.tools.get(event.callId);
    if (!thread || !span) return;
    thread.tools.delete(event.callId);
    span.setAttributes({
      [Agentchart.cached]: event.cached,
      ...(this.#options.captureContent ? { [GenAi.toolCallResult]: jsonText(event.output) } : {}),
    });
    span.end(event.at);
  }

  #toolError(event: EventOf<'tool.call.error'>): void {
    const thread = this.#thread(event);
    const span = thread?.tools.get(event.callId);
    if (!thread || !span) return;
    thread.tools.delete(event.callId);
    this.#failTool(span, event.error, event.at);
  }

  #failTool(span: Span, error: SerializedError, at: number): void {
    span.setAttribute(GenAi.errorType, errorTypeOf(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: statusMessage(error, this.#options.captureContent),
    });
    span.end(at);
  }
}
