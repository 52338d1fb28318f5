import type { EffectHandle } from './run-port';

/** One effect the run knows is running. */
interface RunningEffect extends EffectHandle {
  blocking: boolean;
}

/** Options of {@link RunningEffects}. */
export interface RunningEffectsOptions {
  /** Occurrences per effect site, kept in the run's state (they make keys stable). */
  occurrences: Record<string, number>;
  /** Aborted when the run ends: every effect's signal follows it. */
  stopSignal: AbortSignal;
  /** In a replay every effect holds the run until it replays. */
  replaying: boolean;
  /** Called when an effect may have let the run come to rest (it went idle, or was aborted). */
  onMaybeIdle: () => void;
}

/**
 * The agentchart effects running in one run, by actor: their keys (site and occurrence, stable
 * across resumes), their abort signals (the actor's and the run's, linked), and whether each
 * is work in flight or waiting on a person.
 */
export class RunningEffects {
  readonly #effects = new Map<object, RunningEffect>();
  /** True while a restored actor restarts its in-flight effects: same keys, not new ones. */
  restoring = false;

  constructor(private readonly options: RunningEffectsOptions) {}

  /** True, false, or undefined when `actor` is not an agentchart effect. */
  isBlocking(actor: object): boolean | undefined {
    return this.#effects.get(actor)?.blocking;
  }

  /** Starts an effect at `site` for its actor `self`. */
  begin(site: string, self: object, actorSignal: AbortSignal, blocking: boolean): EffectHandle {
    const { occurrences, stopSignal, replaying, onMaybeIdle } = this.options;
    const next = occurrences[site] ?? 0;
    // A restored actor restarts the effect that was running: same occurrence, same key.
    const restarted = this.restoring && next > 0;
    if (!restarted) occurrences[site] = next + 1;
    const key = `${site}#${restarted ? next - 1 : next}`;
    // One controller linked to both signals by a listener each (removed when the effect
    // settles): AbortSignal.any cost 4-6% of a step in the benchmarks.
    const controller = new AbortController();
    let unlink = () => {};
    if (actorSignal.aborted) controller.abort(actorSignal.reason);
    else if (stopSignal.aborted) controller.abort(stopSignal.reason);
    else {
      const onActorAbort = () => controller.abort(actorSignal.reason);
      const onStop = () => controller.abort(stopSignal.reason);
      actorSignal.addEventListener('abort', onActorAbort, { once: true });
      stopSignal.addEventListener('abort', onStop, { once: true });
      unlink = () => {
        actorSignal.removeEventListener('abort', onActorAbort);
        stopSignal.removeEventListener('abort', onStop);
      };
    }
    const effect: RunningEffect = {
      key,
      signal: controller.signal,
      // One the recording never finished (a wait still open) lets go in replayStep.
      blocking: blocking || replaying,
      setIdle: (idle) => {
        effect.blocking = !idle;
        if (idle) onMaybeIdle();
      },
      settle: () => {
        unlink();
        this.#effects.delete(self);
        // A completed effect is followed by the machine's own macrostep (its done event); an
        // aborted one (its state was left) is not, so the run looks for rest here.
        if (controller.signal.aborted) onMaybeIdle();
      },
    };
    this.#effects.set(self, effect);
    return effect;
  }
}
