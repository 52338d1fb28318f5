import type { BudgetLedger } from '@agentchart/core';
import {
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { Agentchart, GenAi, Operation } from '../attributes';

/** Span events kept while a thread rests, for its next segment; more are dropped. */
const maxRestingEvents = 32;

/** A model call whose span is open, with what its metrics need at the end. */
export interface OpenCall {
  span: Span;
  /** Attributes shared by the call's span and its metric points. */
  metricAttributes: Attributes;
  /** When the call started, on the run's clock. */
  startedAt: number;
}

/** Options of {@link ThreadTrace}. */
export interface ThreadTraceOptions {
  tracer: Tracer;
  threadId: string;
  agent: string;
  /** Where the thread's run spans hang: the caller's context, or the parent run's state span. */
  parent: Context;
  /** Invoke id → the state that invokes it, when the thread's machine is known. */
  invoking: ReadonlyMap<string, string> | undefined;
}

/**
 * The open spans of one thread: the run segment (`invoke_agent`, from a start or wake-up to
 * the next rest), a span per active leaf state under it, and the model and tool calls in
 * flight under their states. A run that rests `waiting` ends its segment; the next event of
 * the thread opens another, with the same `gen_ai.conversation.id`.
 */
export class ThreadTrace {
  readonly threadId: string;
  readonly agent: string;
  readonly chats = new Map<string, OpenCall>();
  readonly tools = new Map<string, Span>();
  /** Ledgers reported before their call's span opened, by call id. */
  readonly ledgers = new Map<string, BudgetLedger>();
  /** Tokens and cost of the model calls of the open segment. */
  readonly segmentUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  checkpoints = 0;
  readonly #tracer: Tracer;
  readonly #parent: Context;
  readonly #invoking: ReadonlyMap<string, string> | undefined;
  /** Active leaf states in the order they were entered, with their open spans. */
  readonly #states = new Map<string, Span | undefined>();
  readonly #restingEvents: { name: string; attributes: Attributes; at: number }[] = [];
  #segment: Span | undefined;
  #segmentContext: Context | undefined;
  #segments = 0;
  /** The last segment that ended: the next one links to it, so a trace viewer can follow. */
  #previousSegment: SpanContext | undefined;

  constructor({ tracer, threadId, agent, parent, invoking }: ThreadTraceOptions) {
    this.#tracer = tracer;
    this.threadId = threadId;
    this.agent = agent;
    this.#parent = parent;
    this.#invoking = invoking;
  }

  /** The open run segment, opened at `at` if the thread was resting. */
  segment(at: number, attributes: Attributes = {}): Span {
    if (this.#segment) return this.#segment;
    const span = this.#tracer.startSpan(
      `${Operation.invokeAgent} ${this.agent}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: at,
        attributes: {
          [GenAi.operationName]: Operation.invokeAgent,
          [GenAi.agentName]: this.agent,
          [GenAi.conversationId]: this.threadId,
          [Agentchart.runResumed]: this.#segments > 0,
          ...attributes,
        },
        // Segments of one thread can be days apart, each its own trace: the link joins them.
        links: this.#previousSegment ? [{ context: this.#previousSegment }] : [],
      },
      this.#parent,
    );
    this.#segments++;
    this.#segment = span;
    this.#segmentContext = trace.setSpan(this.#parent, span);
    // States still active from before the rest get spans in the new segment.
    for (const state of this.#states.keys()) this.#states.set(state, this.#startState(state, at));
    for (const event of this.#restingEvents.splice(0)) {
      span.addEvent(event.name, event.attributes, event.at);
    }
    return span;
  }

  /** True while a segment is open. */
  get open(): boolean {
    return this.#segment !== undefined;
  }

  enterState(state: string, at: number): void {
    this.segment(at);
    // Already active with its span open (the segment just reopened it): nothing to start.
    if (this.#states.get(state) !== undefined) return;
    this.#states.delete(state);
    this.#states.set(state, this.#startState(state, at));
  }

  /**
   * Forgets the states remembered from an earlier segment: a run restored from its checkpoint
   * announces its active states again, and the ones it left elsewhere are gone.
   */
  forgetStates(at: number): void {
    for (const span of this.#states.values()) span?.end(at);
    this.#states.clear();
  }

  exitState(state: string, at: number): void {
    this.#states.get(state)?.end(at);
    this.#states.delete(state);
  }

  /**
   * The span a call made at `site` belongs under: the active state that invokes the site's
   * root-level actor (the latest entered one inside it, for a compound or parallel state),
   * else the latest entered state, else the run segment.
   */
  spanForSite(site: string, at: number): Span {
    const segment = this.segment(at);
    const invoker = this.#invoking?.get(site.split('/')[0] ?? '');
    const states = [...this.#states.entries()].reverse();
    const inside = (state: string) =>
      invoker === undefined ||
      invoker === '' ||
      state === invoker ||
      state.startsWith(`${invoker}.`);
    const match = states.find(([state]) => inside(state)) ?? states[0];
    return match?.[1] ?? segment;
  }

  /** A context whose active span is `span`, for starting its children. */
  contextOf(span: Span): Context {
    return trace.setSpan(this.#segmentContext ?? this.#parent, span);
  }

  /**
   * Adds an event to the latest entered state's span (or the segment). One reported while the
   * run rests — `human.wait` comes just after the rest begins, `human.reply` just before the
   * run wakes — waits for the next segment, where it keeps its own time.
   */
  addEvent(name: string, attributes: Attributes, at: number): void {
    if (!this.#segment) {
      if (this.#restingEvents.length < maxRestingEvents) {
        this.#restingEvents.push({ name, attributes, at });
      }
      return;
    }
    this.spanForSite('', at).addEvent(name, attributes, at);
  }

  /**
   * Ends the segment and everything open under it (at a rest or the run's end). Active
   * states are remembered: a later segment reopens their spans.
   */
  endSegment(at: number, attributes: Attributes): Span | undefined {
    for (const call of this.chats.values()) call.span.end(at);
    for (const span of this.tools.values()) span.end(at);
    this.chats.clear();
    this.tools.clear();
    for (const [state, span] of this.#states) {
      span?.end(at);
      this.#states.set(state, undefined);
    }
    const segment = this.#segment;
    if (!segment) return undefined;
    const usage = this.segmentUsage;
    segment.setAttributes({
      [GenAi.usageInputTokens]: usage.inputTokens,
      [GenAi.usageOutputTokens]: usage.outputTokens,
      [Agentchart.costUsd]: usage.costUsd,
      [Agentchart.checkpoints]: this.checkpoints,
      ...attributes,
    });
    this.#segment = undefined;
    this.#segmentContext = undefined;
    this.#previousSegment = segment.spanContext();
    usage.inputTokens = 0;
    usage.outputTokens = 0;
    usage.costUsd = 0;
    this.checkpoints = 0;
    return segment;
  }

  #startState(state: string, at: number): Span {
    return this.#tracer.startSpan(
      `state ${state}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: at,
        attributes: { [Agentchart.state]: state, [GenAi.conversationId]: this.threadId },
      },
      this.#segmentContext,
    );
  }
}
