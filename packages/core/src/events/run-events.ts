import { EventEmitter } from 'eventemitter3';
import { serializeError } from '../errors/agentchart-error';
import { DefinitionError } from '../errors/definition-error';
import { describeThrown } from '../errors/describe-thrown';
import { closestName, describeValue } from '../errors/option-names';
import type { Redactor } from '../security/create-redactor';
import { runEventTypes } from './run-event-types';
import type { RunEvent, RunEventListener, RunEventPayloads, RunEventType } from './types';

const knownTypes: ReadonlySet<string> = new Set(runEventTypes);

type Emitter = EventEmitter<Record<string, (event: RunEvent) => void>>;

/** Options of {@link RunEvents}. */
export interface RunEventsOptions {
  /** Applied to every payload and warning before anyone sees it (see `createRedactor`). */
  redactor?: Redactor | undefined;
}

/**
 * The typed event stream of one agent (every run of it). Subscribers — the run log, CLI
 * progress, the viewer, the inspector bridge — listen here; the runtime only emits.
 *
 * Listeners are isolated: one that throws (or rejects) never breaks a run, a checkpoint or a
 * paid answer. Its error is reported as a `listener.error` event, and — when nobody listens
 * to those — as a process warning, so it is never silent: once per listener and event type,
 * since a broken listener fails at every event, and a warning each would flood a burst of
 * runs (`listener.error` listeners are told of every one).
 *
 * Payloads and warnings pass the agent's redactor first: no listener and no log line sees a
 * configured secret, personal data pattern or model API key. A token delta (`llm.token`) is
 * redacted on its own, so a secret split across two deltas is not recognised in either.
 */
export class RunEvents {
  readonly #emitter: Emitter = new EventEmitter();
  readonly #now: () => number;
  readonly #redactor: Redactor | undefined;

  constructor(now: () => number, { redactor }: RunEventsOptions = {}) {
    this.#now = now;
    this.#redactor = redactor?.active ? redactor : undefined;
  }

  /**
   * Listens to one event type; returns a function that stops listening.
   *
   * @throws DefinitionError `definition.invalid_option` for a type nothing emits (a misspelt
   *   one names the type meant) or a listener that is not a function.
   */
  on<TType extends RunEventType>(type: TType, listener: RunEventListener<TType>): () => void {
    checkSubscription(type, listener);
    const isolated = this.#isolate(type, listener as unknown as (event: RunEvent) => unknown);
    this.#emitter.on(type, isolated);
    return () => this.#emitter.off(type, isolated);
  }

  /** Listens to every event; returns a function that stops listening. */
  onAny(listener: RunEventListener): () => void {
    checkSubscription(undefined, listener);
    const isolated = this.#isolate('*', listener as (event: RunEvent) => unknown);
    this.#emitter.on('*', isolated);
    return () => this.#emitter.off('*', isolated);
  }

  /** True when someone listens to `type`, so a caller can skip building a costly payload. */
  isObserved(type: RunEventType): boolean {
    return this.#emitter.listenerCount(type) > 0 || this.#emitter.listenerCount('*') > 0;
  }

  /** Emits an event stamped with the thread and the clock's time. */
  emit<TType extends RunEventType>(
    type: TType,
    threadId: string,
    payload: RunEventPayloads[TType],
  ): void {
    if (!this.isObserved(type)) return;
    const redacted = this.#redactor ? this.#redactor.value(payload) : payload;
    const event = { type, threadId, at: this.#now(), ...redacted } as unknown as RunEvent;
    this.#emitter.emit(type, event);
    this.#emitter.emit('*', event);
  }

  /**
   * Reports something the run works around but the user should fix: an `agent.warning`
   * event, or a process warning when nobody listens to those, so it is never silent.
   */
  warn(threadId: string, code: string, message: string): void {
    if (this.isObserved('agent.warning')) {
      this.emit('agent.warning', threadId, { code, message });
      return;
    }
    process.emitWarning(this.#redactor?.text(message) ?? message, {
      code: `AGENTCHART_${code.replace(/\W+/g, '_').toUpperCase()}`,
    });
  }

  #isolate(type: string, listener: (event: RunEvent) => unknown): (event: RunEvent) => void {
    // The event types this listener was warned of (made with its first failure).
    const failing: { warned?: Set<string> } = {};
    return (event) => {
      try {
        const returned = listener(event);
        if (returned && typeof (returned as Promise<unknown>).then === 'function') {
          // Promise.resolve adopts any thenable, so one whose `then` throws is a rejection
          // reported here too, not an exception out of the emitting run.
          Promise.resolve(returned).then(undefined, (error: unknown) =>
            this.#report(type, event, error, failing),
          );
        }
      } catch (error) {
        this.#report(type, event, error, failing);
      }
    };
  }

  /**
   * Reports a listener's failure. It runs inside the isolating catch and as a rejection
   * handler, so it must never throw: an exception here would escape into the run (or
   * become an unhandled rejection) — the very thing isolation promises against.
   */
  #report(
    listenedTo: string,
    event: RunEvent,
    error: unknown,
    failing: { warned?: Set<string> },
  ): void {
    try {
      this.#reportOrWarn(listenedTo, event, error, failing);
    } catch {
      // Only a redactor or warning hook that throws gets here; the run goes on regardless.
    }
  }

  #reportOrWarn(
    listenedTo: string,
    event: RunEvent,
    error: unknown,
    failing: { warned?: Set<string> },
  ): void {
    const eventType = event.type;
    // A failing listener of listener errors is not reported again: no loops.
    if (eventType !== 'listener.error' && this.#emitter.listenerCount('listener.error') > 0) {
      this.emit('listener.error', event.threadId, { eventType, error: serializeError(error) });
      return;
    }
    failing.warned ??= new Set();
    if (failing.warned.has(eventType)) return;
    failing.warned.add(eventType);
    const message = describeThrown(error);
    const warning = `An agentchart event listener (of "${listenedTo}") threw while handling "${eventType}" for thread "${event.threadId}": ${message}. The run went on; fix the listener, or listen to "listener.error" to handle such errors yourself. Its later errors with "${eventType}" are not warned again.`;
    process.emitWarning(this.#redactor?.text(warning) ?? warning, {
      code: 'AGENTCHART_LISTENER_ERROR',
    });
  }
}

/**
 * A misspelt event type (`'llm.call.ended'`) would be listened to and never emitted; a
 * listener that is not a function would fail at the first event.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
function checkSubscription(type: string | undefined, listener: unknown): void {
  if (type !== undefined && !knownTypes.has(type)) {
    const closest = typeof type === 'string' ? closestName(type, runEventTypes) : undefined;
    throw new DefinitionError(
      'definition.invalid_option',
      `events.on: ${describeValue(type)} is not an event type${closest ? `; did you mean '${closest}'?` : '.'} Nothing emits it, so the listener would never be called. Use onAny() for every event; the types are ${runEventTypes.join(', ')}.`,
    );
  }
  if (typeof listener !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `events.${type === undefined ? 'onAny' : 'on'}: the listener is ${describeValue(listener)}. Give a function of the event.`,
    );
  }
}
