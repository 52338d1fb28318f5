import type { EffectHandle } from './run-port';

/** Options of {@link RunningEffects}. */
export interface RunningEffectsOptions {
  /** Occurrences per effect site, kept in the run's state (they make keys stable). */
  occurrences: Record<string, number>;
  /** In a replay every effect holds the run until it replays. */
  replaying: boolean;
  /** Called when an effect may have let the run come to rest (it went idle, or was aborted). */
  onMaybeIdle: () => void;
}

/**
 * The agentchart effects running in one run, by actor: their keys (site and occurrence, stable
 * across resumes), their abort signals (aborted with their actor's, and by {@link stop}), and
 * whether each is work in flight or waiting on a person.
 */
export class RunningEffects {
  readonly #effects = new Map<object, RunningEffect>();
  /** Set once the run stopped its effects: what every effect, running or started later, is aborted with. */
  #stopped: { reason: unknown } | undefined;
  /** True while a restored actor restarts its in-flight effects: same keys, not new ones. */
  restoring = false;

  constructor(private readonly options: RunningEffectsOptions) {}

  /** True, false, or undefined when `actor` is not an agentchart effect. */
  isBlocking(actor: object): boolean | undefined {
    return this.#effects.get(actor)?.blocking;
  }

  /**
   * Aborts every running effect with `reason`, and every effect started from now on. The run
   * calls it when it ends (or is evicted, or taken over): effects are aborted from here
   * rather than each listening to a signal of the run's, which a waiting run would keep.
   */
  stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = { reason };
    for (const effect of [...this.#effects.values()]) effect.controller.abort(reason);
  }

  /** True once {@link stop} was called. */
  get stopped(): boolean {
    return this.#stopped !== undefined;
  }

  /** Starts an effect at `site` for its actor `self`. */
  begin(site: string, self: object, actorSignal: AbortSignal, blocking: boolean): EffectHandle {
    const { occurrences, replaying } = this.options;
    const next = occurrences[site] ?? 0;
    // A restored actor restarts the effect that was running: same occurrence, same key.
    const restarted = this.restoring && next > 0;
    if (!restarted) occurrences[site] = next + 1;
    const key = `${site}#${restarted ? next - 1 : next}`;
    const effect = new RunningEffect(this, self, key, blocking || replaying);
    const { controller } = effect;
    if (actorSignal.aborted) controller.abort(actorSignal.reason);
    else if (this.#stopped) controller.abort(this.#stopped.reason);
    else effect.link(actorSignal);
    this.#effects.set(self, effect);
    return effect;
  }

  /** Called by an effect that went idle or settled aborted: the run may come to rest. */
  maybeIdle(): void {
    this.options.onMaybeIdle();
  }

  /** Called by an effect once it settled. */
  forget(self: object): void {
    this.#effects.delete(self);
  }
}

/**
 * One effect the run knows is running. Its own controller is linked to its actor's signal
 * by the effect itself as the listener (`handleEvent`), removed when it settles, and aborted
 * by `RunningEffects.stop`: `AbortSignal.any` cost 4-6% of a step in the benchmarks. Methods,
 * not closures: an effect costs one object, which a waiting run holds for each of its waits.
 */
class RunningEffect implements EffectHandle {
  readonly controller = new AbortController();
  readonly key: string;
  /** True while work is in flight (see `EffectHandle.blocking`). */
  blocking: boolean;
  readonly #effects: RunningEffects;
  readonly #self: object;
  #actorSignal: AbortSignal | undefined;

  constructor(effects: RunningEffects, self: object, key: string, blocking: boolean) {
    this.#effects = effects;
    this.#self = self;
    this.key = key;
    // One the recording never finished (a wait still open) lets go in replayStep.
    this.blocking = blocking;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts this effect when its actor's signal aborts, until it settles. */
  link(actorSignal: AbortSignal): void {
    this.#actorSignal = actorSignal;
    actorSignal.addEventListener('abort', this, { once: true });
  }

  /** The actor's signal aborted (this is its listener). */
  handleEvent(): void {
    this.controller.abort(this.#actorSignal?.reason);
  }

  setIdle(idle: boolean): void {
    this.blocking = !idle;
    if (idle) this.#effects.maybeIdle();
  }

  settle(): void {
    this.#actorSignal?.removeEventListener('abort', this);
    this.#actorSignal = undefined;
    this.#effects.forget(this.#self);
    // A completed effect is followed by the machine's own macrostep (its done event); an
    // aborted one (its state was left) is not, so the run looks for rest here.
    if (this.controller.signal.aborted) this.#effects.maybeIdle();
  }
}
