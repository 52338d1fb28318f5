import type { InspectionMessage } from '@agentchart/inspect';
import { createMachine } from 'xstate';
import { describeMachine } from '../graph/describe-machine';
import { chartView } from './agent-catalog';
import { activeStateIds } from './build-run-timeline';
import type {
  ChartView,
  InspectedActorDetail,
  InspectedActorSummary,
  InspectedStep,
} from './types';

/** Options of {@link InspectorSessions}. */
export interface InspectorSessionsOptions {
  /** Steps kept per actor; the oldest go first. Default 5000. */
  maxStepsPerActor?: number;
  /** Actors kept; the least recently active go first. Default 500. */
  maxActors?: number;
}

interface ActorRecord {
  summary: InspectedActorSummary;
  definition?: string;
  steps: InspectedStep[];
  nextIndex: number;
}

/**
 * What the studio has seen through the XState inspector protocol — the messages
 * `@statelyai/inspect`'s WebSocket inspector (or `@agentchart/inspect`'s bridge) sends, live or
 * from a recording: each actor, its chart (from the definition it registered with) and its
 * steps (every event it took, with the state after it, and the harness's `agentchart.*` facts).
 */
export class InspectorSessions {
  readonly #actors = new Map<string, ActorRecord>();
  readonly #charts = new Map<string, Promise<ChartView | undefined>>();
  readonly #maxSteps: number;
  readonly #maxActors: number;

  constructor({ maxStepsPerActor = 5000, maxActors = 500 }: InspectorSessionsOptions = {}) {
    this.#maxSteps = maxStepsPerActor;
    this.#maxActors = maxActors;
  }

  /**
   * Takes one message from `source` (a recording, a connection); returns the id of the actor
   * it concerned, or undefined for anything that is not an inspector message (a connection
   * notice, another tool's chatter).
   */
  receive(message: unknown, source?: string): string | undefined {
    if (!isInspectionMessage(message)) return undefined;
    const { sessionId } = message;
    // XState numbers session ids per process (`x:0`, `x:1`, …): two processes or two
    // recordings both have an `x:0`, and only the source tells them apart.
    const id = source === undefined ? sessionId : `${source}#${sessionId}`;
    const createdAt = stampOf(message.createdAt);
    if (message.type === '@xstate.actor') {
      const record = this.#record(id, sessionId, source, createdAt);
      record.summary.name = message.name || sessionId;
      if (message.parentId) record.summary.parentId = message.parentId;
      if (message.rootId) record.summary.rootId = message.rootId;
      if (message.definition) record.definition = message.definition;
      // The registration's snapshot is taken when the message is sent, after events that
      // follow it may have run: it says what the actor is now, not where it started.
      const { status } = message.snapshot ?? {};
      if (status) record.summary.status = status;
      if (record.steps.length === 0 && message.snapshot?.value !== undefined) {
        record.summary.activeStates = activeStateIds(message.snapshot.value);
      }
      this.#step(record, createdAt, { type: '@xstate.actor' }, undefined, undefined);
      record.steps.at(-1)!.activeStates = [];
      return id;
    }
    if (message.type === '@xstate.snapshot') {
      const record = this.#record(id, sessionId, source, createdAt);
      this.#step(record, createdAt, message.event, undefined, message.snapshot);
      return id;
    }
    // An event's snapshot message repeats it; only the harness's own facts are steps of their own.
    if (typeof message.event?.type === 'string' && message.event.type.startsWith('agentchart.')) {
      const record = this.#record(id, sessionId, source, createdAt);
      this.#step(record, createdAt, message.event, message.sourceId, undefined);
      return id;
    }
    return undefined;
  }

  /** Every actor seen, the most recently active first. */
  list(): InspectedActorSummary[] {
    return [...this.#actors.values()]
      .map((record) => record.summary)
      .sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));
  }

  /** One actor, by the id {@link receive} returned, with its steps and chart. */
  async get(id: string): Promise<InspectedActorDetail | undefined> {
    const record = this.#actors.get(id);
    if (!record) return undefined;
    const chart = record.definition ? await this.#chart(record.definition) : undefined;
    return { actor: record.summary, ...(chart ? { chart } : {}), steps: record.steps };
  }

  #record(id: string, sessionId: string, source: string | undefined, at: string): ActorRecord {
    let record = this.#actors.get(id);
    if (!record) {
      record = {
        summary: {
          id,
          sessionId,
          ...(source === undefined ? {} : { source }),
          name: sessionId,
          events: 0,
          firstAt: at,
          lastAt: at,
          activeStates: [],
        },
        steps: [],
        nextIndex: 0,
      };
      this.#actors.set(id, record);
      if (this.#actors.size > this.#maxActors) {
        const oldest = this.list().at(-1);
        if (oldest) this.#actors.delete(oldest.id);
      }
    }
    record.summary.lastAt = at;
    record.summary.events += 1;
    return record;
  }

  #step(
    record: ActorRecord,
    at: string,
    event: { type: string; [key: string]: unknown },
    sourceId: string | undefined,
    snapshot: unknown,
  ) {
    const state = snapshot as { value?: unknown; context?: unknown; status?: string } | undefined;
    if (state?.value !== undefined) record.summary.activeStates = activeStateIds(state.value);
    if (state?.status) record.summary.status = state.status;
    record.steps.push({
      index: record.nextIndex++,
      at,
      event,
      ...(sourceId ? { sourceId } : {}),
      activeStates: record.summary.activeStates,
      ...(state?.context === undefined ? {} : { context: state.context }),
    });
    if (record.steps.length > this.#maxSteps) record.steps.shift();
  }

  #chart(definition: string): Promise<ChartView | undefined> {
    let chart = this.#charts.get(definition);
    if (!chart) {
      chart = (async () => {
        try {
          // The definition is the machine's config as JSON: its functions are gone, its
          // structure (states, transitions, invokes) is all a chart needs.
          const machine = createMachine(JSON.parse(definition));
          return await chartView(describeMachine(machine), machine.id);
        } catch {
          return undefined;
        }
      })();
      this.#charts.set(definition, chart);
    }
    return chart;
  }
}

function isInspectionMessage(value: unknown): value is InspectionMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { type, sessionId } = value as { type?: unknown; sessionId?: unknown };
  return (
    typeof sessionId === 'string' &&
    (type === '@xstate.actor' || type === '@xstate.event' || type === '@xstate.snapshot')
  );
}

/**
 * When a message was made, as an ISO time. `@statelyai/inspect` stamps `createdAt` with
 * `Date.now()` written as a string of digits (`"1796676432876"`), which `new Date` does not
 * read as milliseconds: a recording's steps all took the time the studio loaded it. A number,
 * or an ISO string, is read as it is; anything else is the time it arrives.
 */
function stampOf(createdAt: unknown): string {
  const value =
    typeof createdAt === 'string' && /^\d+$/.test(createdAt) ? Number(createdAt) : createdAt;
  const stamp =
    typeof value === 'number' || typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  return (Number.isNaN(stamp.getTime()) ? new Date() : stamp).toISOString();
}
