import { EventEmitter } from 'eventemitter3';
import type { RunEvent, RunEventListener, RunEventPayloads, RunEventType } from './types';

type Emitter = EventEmitter<Record<string, (event: RunEvent) => void>>;

/**
 * The typed event stream of one agent (every run of it). Subscribers — the run log, CLI
 * progress, the viewer, the inspector bridge — listen here; the runtime only emits.
 */
export class RunEvents {
  readonly #emitter: Emitter = new EventEmitter();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Listens to one event type; returns a function that stops listening. */
  on<TType extends RunEventType>(type: TType, listener: RunEventListener<TType>): () => void {
    const wrapped = listener as unknown as (event: RunEvent) => void;
    this.#emitter.on(type, wrapped);
    return () => this.#emitter.off(type, wrapped);
  }

  /** Listens to every event; returns a function that stops listening. */
  onAny(listener: RunEventListener): () => void {
    this.#emitter.on('*', listener);
    return () => this.#emitter.off('*', listener);
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
    const event = { type, threadId, at: this.#now(), ...payload } as unknown as RunEvent;
    this.#emitter.emit(type, event);
    this.#emitter.emit('*', event);
  }
}
