import { EventEmitter } from 'eventemitter3';
import { describeThrown } from '../errors/describe-thrown';
import type {
  ReliabilityEvent,
  ReliabilityEventListener,
  ReliabilityEventPayloads,
  ReliabilityEventType,
} from './types';

type Emitter = EventEmitter<Record<string, (event: ReliabilityEvent) => void>>;

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

  /** Listens to one event type; returns a function that stops listening. */
  on<TType extends ReliabilityEventType>(
    type: TType,
    listener: ReliabilityEventListener<TType>,
  ): () => void {
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
