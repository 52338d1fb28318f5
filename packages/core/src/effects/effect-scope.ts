import { serializeError } from '../errors/agentchart-error';
import { RunError } from '../errors/run-error';
import type { ChatRequest, ChatResponse } from '../model/types';
import { callModel, type ModelCallSettings } from '../pipeline/call-model';
import type { Run } from '../run/run';
import type { EffectKind, JournalEntry } from '../store/types';
import type { ReconcileResult } from '../tools/types';
import { RecordedEffectError } from './recorded-effect-error';
import { replayStep } from './replay-step';

/** What a journaled step is. */
export interface JournaledStep {
  kind: EffectKind;
  effect: JournalEntry['effect'];
  name: string;
  input?: unknown;
  meta?: Record<string, unknown>;
}

/**
 * One running effect actor: its key (site + occurrence), its abort signal, and the journaled
 * steps it takes (model calls, tool runs, waits). Every step goes through {@link journaled},
 * so on resume a recorded result is returned instead of running the step again.
 */
export class EffectScope {
  readonly key: string;
  readonly signal: AbortSignal;
  #step = 0;
  #blocking: boolean;
  #unlink: () => void = () => {};

  constructor(
    readonly run: Run,
    readonly site: string,
    actorSignal: AbortSignal,
    blocking: boolean,
  ) {
    const { occurrences } = run.state;
    const next = occurrences[site] ?? 0;
    // A restored actor restarts the effect that was running: same occurrence, same key.
    const restarted = run.restoring && next > 0;
    if (!restarted) occurrences[site] = next + 1;
    this.key = `${site}#${restarted ? next - 1 : next}`;
    // One controller linked to both signals by a listener each (removed when the effect
    // settles): AbortSignal.any cost 4-6% of a step in the benchmarks.
    const controller = new AbortController();
    this.signal = controller.signal;
    if (actorSignal.aborted) controller.abort(actorSignal.reason);
    else if (run.stopSignal.aborted) controller.abort(run.stopSignal.reason);
    else {
      const onActorAbort = () => controller.abort(actorSignal.reason);
      const onStop = () => controller.abort(run.stopSignal.reason);
      actorSignal.addEventListener('abort', onActorAbort, { once: true });
      run.stopSignal.addEventListener('abort', onStop, { once: true });
      this.#unlink = () => {
        actorSignal.removeEventListener('abort', onActorAbort);
        run.stopSignal.removeEventListener('abort', onStop);
      };
    }
    // In a replay every effect holds the run until it replays; one the recording never
    // finished (a wait still open) lets go then (see replayStep).
    this.#blocking = blocking || run.replaying;
    if (this.#blocking) run.activeEffects++;
  }

  get threadId(): string {
    return this.run.threadId;
  }

  /** Runs the effect's body and tells the run when it settles. */
  async execute<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } finally {
      this.#unlink();
      if (this.#blocking) this.run.effectSettled(this.signal.aborted);
    }
  }

  /** Marks the effect as waiting on the outside world (true) or working (false). */
  setIdle(idle: boolean): void {
    if (idle === !this.#blocking) return;
    this.#blocking = !idle;
    if (idle) this.run.effectSettled(true);
    else this.run.activeEffects++;
  }

  /** The key of the next step within this effect, stable across resumes. */
  nextKey(label: string): string {
    return `${this.key}/${this.#step++}:${label}`;
  }

  /**
   * Runs `execute` once per key across crashes: a completed step returns its recorded value,
   * a failed one its recorded error; an `unsafe` step found started but unfinished is
   * ambiguous and goes to `reconcile`, or fails with `effect.ambiguous`. The intent is
   * durable before `execute` runs. In a replay nothing executes: see {@link Run.replaying}.
   */
  async journaled<T>(
    key: string,
    step: JournaledStep,
    execute: () => Promise<T>,
    reconcile?: () => Promise<ReconcileResult<T>>,
  ): Promise<{ value: T; replayed: boolean }> {
    const { checkpointer, clock, events } = this.run.runtime;
    const existing = await checkpointer.getEffect(this.threadId, key);
    if (this.run.replaying) return replayStep<T>(this, key, step, existing);
    const entry: JournalEntry = existing ?? {
      threadId: this.threadId,
      key,
      site: this.site,
      kind: step.kind,
      effect: step.effect,
      name: step.name,
      status: 'started',
      startedAt: clock.now(),
      ...(step.input === undefined ? {} : { input: step.input }),
      ...(step.meta === undefined ? {} : { meta: step.meta }),
    };
    if (existing?.status === 'completed') {
      events.emit('effect.replayed', this.threadId, { site: this.site, key, kind: step.kind });
      return { value: existing.output as T, replayed: true };
    }
    if (existing?.status === 'failed') {
      throw new RecordedEffectError(existing.error ?? serializeError(undefined));
    }
    if (existing?.status === 'started' && step.effect === 'unsafe' && step.kind === 'tool') {
      const settled = await this.#reconcile(entry, reconcile);
      if (settled) return { value: settled.output as T, replayed: true };
    } else if (!existing && !(step.effect === 'pure' && step.kind === 'tool')) {
      // Intent first, durably, so a crash mid-step is visible on resume. A pure tool skips
      // it: running it again is harmless and it has nothing to reconcile, so the row would
      // cost a write (an fsync on the durable store) and tell nothing.
      await this.record(entry);
    }
    // A tool found started was counted when the run was restored (usage comes from the
    // journal); running it again is the same call, not another one.
    if (existing?.status === 'started' && step.kind === 'tool') this.run.state.usage.toolCalls--;
    try {
      const value = await execute();
      await this.record({
        ...entry,
        status: 'completed',
        finishedAt: clock.now(),
        output: value,
      });
      return { value, replayed: false };
    } catch (error) {
      // An aborted step (state exited, run stopped) stays `started`: whether it acted is unknown.
      if (!this.signal.aborted) {
        await this.record({
          ...entry,
          status: 'failed',
          finishedAt: clock.now(),
          error: serializeError(error),
        });
      }
      throw error;
    }
  }

  /**
   * Writes a journal entry as this run (fenced: refused when another run took the thread
   * over). A journal that cannot be written ends the run: going on would act unrecorded.
   */
  async record(entry: JournalEntry): Promise<void> {
    try {
      await this.run.runtime.checkpointer.putEffect(entry, { owner: this.run.owner });
    } catch (error) {
      this.run.fail(error, { persist: false });
      throw error;
    }
  }

  /** Settles an ambiguous unsafe step; returns the completed entry, or undefined to run it. */
  async #reconcile<T>(
    entry: JournalEntry,
    reconcile: (() => Promise<ReconcileResult<T>>) | undefined,
  ): Promise<JournalEntry | undefined> {
    const { clock, events } = this.run.runtime;
    events.emit('effect.ambiguous', this.threadId, {
      site: this.site,
      key: entry.key,
      tool: entry.name,
    });
    const answer: ReconcileResult<T> = reconcile ? await reconcile() : { status: 'unknown' };
    if (answer.status === 'not_executed') return undefined;
    if (answer.status === 'completed') {
      const completed = { ...entry, status: 'completed' as const, output: answer.output };
      await this.record({ ...completed, finishedAt: clock.now() });
      return completed;
    }
    const error = new RunError('effect.ambiguous', {
      message: `Tool "${entry.name}" (unsafe) was started before the process stopped and may or may not have acted (key ${entry.key}). It is not run again. Give the tool a reconcile() hook that checks with the outside system using the idempotency key, or route this error to a human in the chart (onError).`,
      details: { tool: entry.name, key: entry.key, input: entry.input },
    });
    await this.record({
      ...entry,
      status: 'failed',
      finishedAt: clock.now(),
      error: error.toJSON(),
    });
    throw error;
  }

  /** Never resolves; rejects when the effect is aborted (its state was left, the run ended). */
  untilAborted(): Promise<never> {
    return new Promise((_, reject) => {
      if (this.signal.aborted) reject(this.signal.reason);
      this.signal.addEventListener('abort', () => reject(this.signal.reason), { once: true });
    });
  }

  /**
   * Calls a model through the agent's budget, limits, cache and policy, journaled: on resume
   * a recorded answer is returned and nothing is paid twice. See {@link callModel}.
   */
  callModel(
    alias: string,
    request: ChatRequest,
    settings?: ModelCallSettings,
  ): Promise<ChatResponse> {
    return callModel(this, alias, request, settings);
  }
}
