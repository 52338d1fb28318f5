import { roundUsd } from '../cost/usd';
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

  constructor(
    private readonly limits: RunLimits,
    private readonly startedAt: number,
  ) {}

  /** True once {@link startWrapUp} was called. */
  get wrappingUp(): boolean {
    return this.#wrapUp !== undefined;
  }

  /** Starts counting the grace from `usage` at `now`. */
  startWrapUp(usage: RunUsage, now: number): void {
    this.#wrapUp = {
      usage: { ...usage },
      at: now,
      grace: { ...defaultWrapUp, ...this.limits.wrapUp },
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
    return (
      atOrOver('maxSteps', usage.steps, limits.maxSteps) ??
      atOrOver('maxModelCalls', usage.modelCalls, limits.maxModelCalls) ??
      atOrOver('maxTokens', usage.inputTokens + usage.outputTokens, limits.maxTokens) ??
      atOrOver('maxCostUsd', usage.costUsd, limits.maxCostUsd) ??
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
    const { pricing } = next;
    const callCost = pricing
      ? (next.inputTokens * pricing.inputPerMillion +
          next.maxOutputTokens * pricing.outputPerMillion) /
        1e6
      : 0;
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

/**
 * The limits a child agent (`agentActor`) runs under: its parent's, less what the parent has
 * used so far. The parent's usage folds in its children's, so a child given the whole limit
 * again could take the family past it (a parent at 2 of 3 model calls, its child at 3 more)
 * with the parent ending `done` over its limit. Steps stay per run (a parent's steps do not
 * count its children's), and wall time is the parent's own: at its deadline the parent stops
 * the child. Children running at the same time each get what was left when they started.
 */
export function limitsLeftFor(limits: RunLimits, used: Readonly<RunUsage>): RunLimits {
  const left = (max: number | undefined, spent: number) =>
    max === undefined ? undefined : Math.max(0, max - spent);
  const child: RunLimits = { ...limits };
  const maxModelCalls = left(limits.maxModelCalls, used.modelCalls);
  const maxTokens = left(limits.maxTokens, used.inputTokens + used.outputTokens);
  // Rounded as costs are, so $0.3 less $0.1 leaves $0.2, not 0.19999999999999998.
  const maxCostUsd =
    limits.maxCostUsd === undefined
      ? undefined
      : roundUsd(Math.max(0, limits.maxCostUsd - used.costUsd));
  if (maxModelCalls !== undefined) child.maxModelCalls = maxModelCalls;
  if (maxTokens !== undefined) child.maxTokens = maxTokens;
  if (maxCostUsd !== undefined) child.maxCostUsd = maxCostUsd;
  return child;
}
