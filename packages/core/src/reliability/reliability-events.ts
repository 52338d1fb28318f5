import { EventEmitter } from 'eventemitter3';
import { DefinitionError } from '../errors/definition-error';
import { describeThrown } from '../errors/describe-thrown';
import { closestName, describeValue } from '../errors/option-names';
import type {
  ReliabilityEvent,
  ReliabilityEventListener,
  ReliabilityEventPayloads,
  ReliabilityEventType,
} from './types';

type Emitter = EventEmitter<Record<string, (event: ReliabilityEvent) => void>>;

/** Every event type the policy emits, at run time: a listener of another would never run. */
export const reliabilityEventTypes = [
  'attempt',
  'retry',
  'breaker.change',
  'budget.exhausted',
  'limiter.wait',
  'fallback',
] as const satisfies readonly ReliabilityEventType[];

// A compile error here names an event type missing from the list above.
const complete: Exclude<ReliabilityEventType, (typeof reliabilityEventTypes)[number]> extends never
  ? true
  : Exclude<ReliabilityEventType, (typeof reliabilityEventTypes)[number]> = true;
void complete;

const knownTypes: ReadonlySet<string> = new Set(reliabilityEventTypes);

/**
 * The policy's typed event stream: attempts, waits, breaker changes, budget refusals,
 * fallbacks. It spans every run sharing the policy, so a dashboard sees an endpoint's health
 * and not one run's view of it. Listeners run synchronously; one that throws never breaks a
 * call: its error is reported as a process warning.
 */
export class ReliabilityEvents {
  readonly #emitter: Emitter = new EventEmitter();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * Listens to one event type; returns a function that stops listening. An unknown type or a
   * listener that is not a function is refused (`definition.invalid_option`): nothing would
   * ever call it.
   */
  on<TType extends ReliabilityEventType>(
    type: TType,
    listener: ReliabilityEventListener<TType>,
  ): () => void {
    checkSubscription(type, listener);
    const wrapped = (event: ReliabilityEvent) => {
      try {
        (listener as unknown as (event: ReliabilityEvent) => void)(event);
      } catch (error) {
        const message = describeThrown(error);
        process.emitWarning(
          `A reliability policy listener of "${type}" threw: ${message}. The call went on; fix the listener.`,
          { code: 'AGENTCHART_LISTENER_ERROR' },
        );
      }
    };
    this.#emitter.on(type, wrapped);
    return () => this.#emitter.off(type, wrapped);
  }

  /** True when someone listens to `type`, so a caller can skip building its payload. */
  isObserved(type: ReliabilityEventType): boolean {
    return this.#emitter.listenerCount(type) > 0;
  }

  /** Emits an event stamped with the clock's time, when someone listens. */
  emit<TType extends ReliabilityEventType>(
    type: TType,
    payload: ReliabilityEventPayloads[TType],
  ): void {
    if (!this.isObserved(type)) return;
    this.#emitter.emit(type, { type, at: this.#now(), ...payload } as unknown as ReliabilityEvent);
  }
}

function checkSubscription(type: unknown, listener: unknown): void {
  if (typeof type !== 'string' || !knownTypes.has(type)) {
    const closest = typeof type === 'string' ? closestName(type, reliabilityEventTypes) : undefined;
    throw new DefinitionError(
      'definition.invalid_option',
      `policy.on: ${describeValue(type)} is not a reliability event type${closest ? `; did you mean '${closest}'?` : '.'} Nothing emits it, so the listener would never be called. The types are ${reliabilityEventTypes.join(', ')}.`,
    );
  }
  if (typeof listener !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `policy.on('${type}'): the listener is ${describeValue(listener)}. Give a function of the event.`,
    );
  }
}
