import { definedOptions } from '../errors/option-names';
import type { RunUsage } from '../ledger/types';
import type { ModelPricing } from '../model/types';
import type { LimitInfo, RunLimits, WrapUpGrace } from './types';

/** What the next model call may use at most. */
export interface NextModelCall {
  inputTokens: number;
  /** The request's output cap, or the output the budget reserves when it has none. */
  maxOutputTokens: number;
  pricing: ModelPricing | undefined;
}

const defaultWrapUp: Required<WrapUpGrace> = {
  maxModelCalls: 1,
  maxSteps: 25,
  maxWallTimeMs: 60_000,
};

/** Where a wrap-up started: what the run had used when its limit was reached. */
interface WrapUpStart {
  usage: RunUsage;
  at: number;
  grace: Required<WrapUpGrace>;
}

/**
 * A run's limits as one judge: before the wrap-up, the {@link RunLimits}; during it (the
 * chart handles `limit.reached`), only the {@link WrapUpGrace}, counted from the moment the
 * limit was reached — the wrap-up's own calls are what the grace is for.
 */
export class RunLimitJudge {
  #wrapUp: WrapUpStart | undefined;

  /** `wrapUp`: the wrap-up a restored run was in (see `RunState.wrapUp`), to go on with. */
  constructor(
    private readonly limits: RunLimits,
    private readonly startedAt: number,
    wrapUp?: { usage: RunUsage; at: number },
  ) {
    if (wrapUp) this.startWrapUp(wrapUp.usage, wrapUp.at);
  }

  /**
   * True when a limit counts what model calls use — calls, tokens or cost, or a wrap-up's
   * grace — so calls in flight must be counted with it.
   */
  get countsModelCalls(): boolean {
    const { maxModelCalls, maxTokens, maxCostUsd } = this.limits;
    return (
      this.#wrapUp !== undefined ||
      maxModelCalls !== undefined ||
      maxTokens !== undefined ||
      maxCostUsd !== undefined
    );
  }

  /** True once {@link startWrapUp} was called. */
  get wrappingUp(): boolean {
    return this.#wrapUp !== undefined;
  }

  /** Starts counting the grace from `usage` at `now`. */
  startWrapUp(usage: RunUsage, now: number): void {
    this.#wrapUp = {
      usage: { ...usage },
      at: now,
      // A grace given as `undefined` keeps its default, as one left out does.
      grace: { ...defaultWrapUp, ...definedOptions(this.limits.wrapUp ?? {}) },
    };
  }

  /** When the run (or its wrap-up) must end by the clock, if a time limit is set. */
  deadline(): { at: number; limit: LimitInfo } | undefined {
    if (this.#wrapUp) {
      const { at, grace } = this.#wrapUp;
      const max = grace.maxWallTimeMs;
      return {
        at: at + max,
        limit: { limit: 'maxWallTimeMs', value: max, max, duringWrapUp: true },
      };
    }
    const max = this.limits.maxWallTimeMs;
    if (max === undefined) return undefined;
    return { at: this.startedAt + max, limit: { limit: 'maxWallTimeMs', value: max, max } };
  }

  /** The first limit `usage` has reached at `now`, if any. */
  reached(usage: RunUsage, now: number): LimitInfo | undefined {
    // Checked in order, each on its own: this runs at every step and model call.
    if (this.#wrapUp) {
      const { usage: base, at, grace } = this.#wrapUp;
      return (
        atOrOver('maxSteps', usage.steps - base.steps, grace.maxSteps, wrapUp) ??
        atOrOver(
          'maxModelCalls',
          usage.modelCalls - base.modelCalls,
          grace.maxModelCalls,
          wrapUpStrict,
        ) ??
        atOrOver('maxWallTimeMs', now - at, grace.maxWallTimeMs, wrapUp)
      );
    }
    const { limits } = this;
    // Calls, tokens and cost end the run here only when passed (a provider that reported
    // more output than the cap): used up exactly, they let the run go on without calling
    // again — wait for a person, run a tool, finish — and the next call is refused before it
    // is sent. Ending it at its last allowed call stopped a chart that called once under
    // `maxModelCalls: 1` and then asked a person.
    return (
      atOrOver('maxSteps', usage.steps, limits.maxSteps) ??
      atOrOver('maxModelCalls', usage.modelCalls, limits.maxModelCalls, strict) ??
      atOrOver('maxTokens', usage.inputTokens + usage.outputTokens, limits.maxTokens, strict) ??
      atOrOver('maxCostUsd', usage.costUsd, limits.maxCostUsd, strict) ??
      atOrOver('maxWallTimeMs', now - this.startedAt, limits.maxWallTimeMs)
    );
  }

  /**
   * The limit the next model call would cross if it used all it may, checked before it is
   * sent so a run stops at its budget instead of one call past it. A limit the call counts
   * towards (calls, tokens, cost) reports the run's usage with the call counted in full —
   * its input, its output cap, one more call — as {@link LimitInfo.value} says; steps and
   * wall time, which a call does not add to, report what the run has used.
   */
  beforeModelCall(usage: RunUsage, now: number, next: NextModelCall): LimitInfo | undefined {
    const calls = usage.modelCalls + 1;
    if (this.#wrapUp) {
      const { usage: base, at, grace } = this.#wrapUp;
      return (
        atOrOver('maxSteps', usage.steps - base.steps, grace.maxSteps, wrapUp) ??
        atOrOver('maxModelCalls', calls - base.modelCalls, grace.maxModelCalls, wrapUpStrict) ??
        atOrOver('maxWallTimeMs', now - at, grace.maxWallTimeMs, wrapUp)
      );
    }
    const { limits } = this;
    const tokens = usage.inputTokens + usage.outputTokens;
    const callCost = projectedCost(next);
    return (
      atOrOver('maxSteps', usage.steps, limits.maxSteps) ??
      crossedWith('maxModelCalls', usage.modelCalls, calls, limits.maxModelCalls) ??
      crossedWith(
        'maxTokens',
        tokens,
        tokens + next.inputTokens + next.maxOutputTokens,
        limits.maxTokens,
      ) ??
      crossedWith('maxCostUsd', usage.costUsd, usage.costUsd + callCost, limits.maxCostUsd) ??
      atOrOver('maxWallTimeMs', now - this.startedAt, limits.maxWallTimeMs)
    );
  }
}

/** What a model call may cost at most: its input and its output cap at its price. */
function projectedCost({ inputTokens, maxOutputTokens, pricing }: NextModelCall): number {
  return pricing
    ? (inputTokens * pricing.inputPerMillion + maxOutputTokens * pricing.outputPerMillion) / 1e6
    : 0;
}

/**
 * What a model call may use at most, as usage: one call, its input, its output cap, their
 * price. A call in flight is counted so by the limits of its run (see `Run.reserveModelCall`)
 * until its record says what it used.
 */
export function projectedUsage(next: NextModelCall): RunUsage {
  return {
    inputTokens: next.inputTokens,
    outputTokens: next.maxOutputTokens,
    costUsd: projectedCost(next),
    modelCalls: 1,
    toolCalls: 0,
    steps: 0,
  };
}

/**
 * The limit when the run is already at `max` (`used`) or the next call would take it over
 * (`withCall`), reported with the call counted; undefined otherwise or when there is no `max`.
 */
function crossedWith(
  limit: LimitInfo['limit'],
  used: number,
  withCall: number,
  max: number | undefined,
): LimitInfo | undefined {
  if (max === undefined || (used < max && withCall <= max)) return undefined;
  return { limit, value: Math.max(used, withCall), max };
}

const wrapUp = { duringWrapUp: true } as const;
const wrapUpStrict = { duringWrapUp: true, strict: true } as const;
const strict = { strict: true } as const;
/** The default of {@link atOrOver}'s options, made once: it runs at every step. */
const plain = {};

/**
 * The limit when `value` is at or over `max` (`strict`: over it), marked as counted during the
 * wrap-up when `duringWrapUp`; undefined when under it or when there is no `max`.
 */
function atOrOver(
  limit: LimitInfo['limit'],
  value: number,
  max: number | undefined,
  { duringWrapUp = false, strict = false }: { duringWrapUp?: boolean; strict?: boolean } = plain,
): LimitInfo | undefined {
  if (max === undefined || (strict ? value <= max : value < max)) return undefined;
  return duringWrapUp ? { limit, value, max, duringWrapUp } : { limit, value, max };
}
