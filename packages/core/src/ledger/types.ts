import type { SerializedError } from '../errors/agentchart-error';

/** What kind of effect a journal entry records. */
export type EffectKind = 'llm' | 'tool' | 'human' | 'agent';

/**
 * One effect in a thread's journal: intent recorded before it runs, result after. A
 * `started` entry found on resume means the process died while the effect ran.
 */
export interface JournalEntry {
  threadId: string;
  /** (effect site, occurrence, step within the effect): stable across crashes and resumes. */
  key: string;
  site: string;
  kind: EffectKind;
  effect: 'pure' | 'idempotent' | 'unsafe';
  /** What ran: a model alias, a tool name, a wait's prompt. */
  name: string;
  status: 'started' | 'completed' | 'failed';
  startedAt: number;
  finishedAt?: number;
  input?: unknown;
  output?: unknown;
  error?: SerializedError;
  /**
   * Extra facts. Every record has `agent` (the agent's name), `state` (the chart state that
   * invoked the effect, when it was invoked) and `tenantId` (when the run has one); a
   * finished record `latencyMs` (how long the step ran). Per kind: a model call's
   * `requestHash`, `endpoint`, `confidence`, `escalation` and `prompt`; a tool's
   * `inputHash`, and, on an `unsafe` tool's step left `started` because its state was left or
   * its run ended while it ran, `lateResult` ({@link LateToolResult}) when the tool returned
   * after all; a human wait's `deadline` and `replySchema`; an approval's `argumentsHash`, and
   * `question` when the approval asks a question of its own (its input is the tool and its
   * arguments). The run log's typed columns
   * are read from these (see `effectLogRowOf`).
   */
  meta?: Record<string, unknown>;
}

/**
 * What an `unsafe` tool returned after its step was aborted — its state left, its run ended
 * (stopped, failed) — while it ran: its step's `meta.lateResult`. The step stays `started`
 * (the chart went on without the result, and a replay follows it), but the tool's outcome is
 * known: a resume that meets the step again takes `output` as its result, without asking
 * the tool's `reconcile` hook or failing with `effect.ambiguous` (ADR 0083).
 */
export interface LateToolResult {
  /** What the tool returned, as a completed record would keep it. */
  output: unknown;
  /** When it returned (epoch ms). */
  finishedAt: number;
  /** How long the tool ran. */
  latencyMs: number;
}

/** What a run has consumed so far. */
export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  modelCalls: number;
  toolCalls: number;
  /** Macrosteps the machine has taken. */
  steps: number;
}

/**
 * The usage of a run and of the child agents it runs, as it is now: what they have used, and
 * what their model calls in flight may still use at most (counted by limits, not reported).
 */
export interface LiveUsage {
  readonly familyUsage: Readonly<RunUsage>;
  readonly familyInFlight: Readonly<RunUsage> | undefined;
}

/** What a journaled step is. */
export interface JournaledStep<T = unknown> {
  kind: EffectKind;
  effect: JournalEntry['effect'];
  name: string;
  input?: unknown;
  meta?: Record<string, unknown>;
  /**
   * Facts about the step's result to keep in its completed record's `meta` (a model
   * answer's confidence, the endpoint that gave it): what the run log reads.
   */
  resultMeta?: (value: T) => Record<string, unknown> | undefined;
  /**
   * What the step has used so far while it runs, which its record will carry once it ends (a
   * child agent's usage): the run counts it in its limits and in the usage it reports until
   * the record folds it in.
   */
  liveUsage?: () => LiveUsage | undefined;
  /**
   * The result to record when the step is aborted while it runs (its state was left, its run
   * ended), called at that moment; undefined records nothing and leaves the step `started`.
   * A child agent stopped with its parent records what it used, so the parent's usage — and
   * the outcome its end reports — count it. A promise (a child still being restored when its
   * parent stops) is recorded once it settles, and the run's end waits for it.
   */
  resultOnAbort?: () => T | Promise<T | undefined> | undefined;
}
