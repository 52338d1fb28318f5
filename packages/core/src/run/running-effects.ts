import type { AbortListener, EffectHandle } from './run-port';
import { SmallMap } from './small-map';

/** Options of {@link RunningEffects}. */
export interface RunningEffectsOptions {
  /** Occurrences per effect site, kept in the run's state (they make keys stable). */
  occurrences: Record<string, number>;
  /** In a replay every effect holds the run until it replays. */
  replaying: boolean;
  /** Called when an effect may have let the run come to rest (it went idle, or was aborted). */
  onMaybeIdle: () => void;
  /** Called when one of an effect's journaled steps ended (see `EffectHandle.endStep`). */
  onStepEnded?: () => void;
}

/** Why effects are aborted: made the first time an effect or its signal asks. */
type LazyReason = { reason: unknown; made: boolean; make: () => unknown };

/**
 * The agentchart effects running in one run, by actor: their keys (site and occurrence, stable
 * across resumes), their abort (when their actor stops, and by {@link stop}), and whether each
 * is work in flight or waiting on a person.
 */
export class RunningEffects {
  readonly #effects = new SmallMap<object, RunningEffect>();
  /** Set once the run stopped its effects: what every effect, running or started later, is aborted with. */
  #stopped: LazyReason | undefined;
  /** True while a restored actor restarts its in-flight effects: same keys, not new ones. */
  restoring = false;
  readonly #occurrences: Record<string, number>;
  readonly #replaying: boolean;
  readonly #onMaybeIdle: () => void;
  readonly #onStepEnded: (() => void) | undefined;

  constructor({ occurrences, replaying, onMaybeIdle, onStepEnded }: RunningEffectsOptions) {
    this.#occurrences = occurrences;
    this.#replaying = replaying;
    this.#onMaybeIdle = onMaybeIdle;
    this.#onStepEnded = onStepEnded;
  }

  /** True, false, or undefined when `actor` is not an agentchart effect. */
  isBlocking(actor: object): boolean | undefined {
    return this.#effects.get(actor)?.blocking;
  }

  /**
   * Whether `actor`'s effect is working: blocking, with a step executing or not holding one
   * back for a hand-back (a tool loop may hold its next unsafe call while a parallel one still
   * runs); undefined when `actor` is not an agentchart effect.
   */
  isWorking(actor: object): boolean | undefined {
    const effect = this.#effects.get(actor);
    return effect === undefined ? undefined : effect.blocking && (effect.steps > 0 || !effect.held);
  }

  /** Called by an effect when one of its journaled steps ended. */
  stepEnded(): void {
    this.#onStepEnded?.();
  }

  /**
   * Aborts every running effect with the reason `reason` makes, and every effect started from
   * now on. The run calls it when it ends (or is evicted, or taken over): effects are aborted
   * from here rather than each listening to a signal of the run's, which a waiting run would
   * keep. `reason` is called once, when an effect first reads why it was aborted: a run evicted
   * with nothing that reads it (a wait for a person, whose effect's promise nobody awaits once
   * its actor stops) builds no error and no stack trace.
   */
  stop(reason: () => unknown): void {
    if (this.#stopped) return;
    const stopped: LazyReason = { reason: undefined, made: false, make: reason };
    this.#stopped = stopped;
    for (const effect of this.#effects.values()) effect.abort(stopped);
  }

  /** True once {@link stop} was called. */
  get stopped(): boolean {
    return this.#stopped !== undefined;
  }

  /** Starts an effect at `site` for its actor `self`. */
  begin(site: string, self: object, blocking: boolean): EffectHandle {
    const occurrences = this.#occurrences;
    const next = occurrences[site] ?? 0;
    // A restored actor restarts the effect that was running: same occurrence, same key.
    const restarted = this.restoring && next > 0;
    if (!restarted) occurrences[site] = next + 1;
    const key = `${site}#${restarted ? next - 1 : next}`;
    const effect = new RunningEffect(this, self, key, blocking || this.#replaying);
    if (this.#stopped) effect.abort(this.#stopped);
    this.#effects.set(self, effect);
    return effect;
  }

  /**
   * The actor `self` stopped (its state was left, or the run stopped its actor): its effect,
   * if still running, is aborted as an `AbortError`, as the actor's own signal would be.
   */
  actorStopped(self: object): void {
    this.#effects.get(self)?.abort(actorStopReason());
  }

  /** Called by an effect that went idle or settled aborted: the run may come to rest. */
  maybeIdle(): void {
    this.#onMaybeIdle();
  }

  /** Called by an effect once it settled. */
  forget(self: object): void {
    this.#effects.delete(self);
  }
}

/** What an effect whose actor stopped is aborted with: what `AbortController.abort()` gives. */
function actorStopReason(): LazyReason {
  return {
    reason: undefined,
    made: false,
    make: () => new DOMException('This operation was aborted', 'AbortError'),
  };
}

/** The reason `lazy` stands for, made on first use. */
function reasonOf(lazy: LazyReason): unknown {
  if (!lazy.made) {
    lazy.reason = lazy.make();
    lazy.made = true;
  }
  return lazy.reason;
}

/**
 * One effect the run knows is running. Its abort signal is made only when something asks for
 * it (a model call, a tool): a wait for a person listens through {@link addAbortListener}
 * instead, so a run resting on one keeps no AbortController, signal or event listener for it.
 * Methods, not closures: an effect costs one object, which a waiting run holds for each of its
 * waits.
 */
class RunningEffect implements EffectHandle {
  readonly key: string;
  /** True while work is in flight (see `EffectHandle.blocking`). */
  blocking: boolean;
  /** True once it holds a step back for a hand-back (see `RunPort.holdStep`). */
  held = false;
  /** Its journaled steps executing now (a wait for a person not counted). */
  steps = 0;
  readonly #effects: RunningEffects;
  readonly #self: object;
  #controller: AbortController | undefined;
  #aborted: LazyReason | undefined;
  /** Listeners added through {@link addAbortListener}: one, mostly, kept without an array. */
  #listeners: AbortListener | AbortListener[] | undefined;

  constructor(effects: RunningEffects, self: object, key: string, blocking: boolean) {
    this.#effects = effects;
    this.#self = self;
    this.key = key;
    // One the recording never finished (a wait still open) lets go in replayStep.
    this.blocking = blocking;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(reasonOf(this.#aborted));
    }
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#aborted !== undefined;
  }

  get abortReason(): unknown {
    return this.#aborted ? reasonOf(this.#aborted) : undefined;
  }

  addAbortListener(listener: AbortListener): void {
    const listeners = this.#listeners;
    if (listeners === undefined) this.#listeners = listener;
    else if (Array.isArray(listeners)) listeners.push(listener);
    else this.#listeners = [listeners, listener];
  }

  removeAbortListener(listener: AbortListener): void {
    const listeners = this.#listeners;
    if (listeners === listener) this.#listeners = undefined;
    else if (Array.isArray(listeners)) {
      const at = listeners.indexOf(listener);
      if (at >= 0) listeners.splice(at, 1);
    }
  }

  /** Aborts the effect once: its signal, if it has one, then its listeners, each once. */
  abort(reason: LazyReason): void {
    if (this.#aborted) return;
    this.#aborted = reason;
    this.#controller?.abort(reasonOf(reason));
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (Array.isArray(listeners)) for (const listener of listeners) listener.handleEvent();
    else listeners?.handleEvent();
  }

  hold(): void {
    this.held = true;
  }

  beginStep(): void {
    this.steps++;
  }

  endStep(): void {
    this.steps--;
    this.#effects.stepEnded();
  }

  // Made once per effect, on its first counted step (a wait for a person has none): a step's
  // promise passes them as they are, with no closure of its own.
  #endStepWith: (<T>(value: T) => T) | undefined;
  #endStepWithError: ((error: unknown) => never) | undefined;

  get endStepWith(): <T>(value: T) => T {
    this.#endStepWith ??= <T>(value: T): T => {
      this.endStep();
      return value;
    };
    return this.#endStepWith;
  }

  get endStepWithError(): (error: unknown) => never {
    this.#endStepWithError ??= (error: unknown): never => {
      this.endStep();
      throw error;
    };
    return this.#endStepWithError;
  }

  setIdle(idle: boolean): void {
    this.blocking = !idle;
    if (idle) this.#effects.maybeIdle();
  }

  settle(): void {
    this.#effects.forget(this.#self);
    // A completed effect is followed by the machine's own macrostep (its done event); an
    // aborted one (its state was left) is not, so the run looks for rest here.
    if (this.#aborted) this.#effects.maybeIdle();
  }
}
