import type { Agent, PendingHumanWait, RunOutcome, RunUsage } from '@agentchart/core';

/** One row of a golden dataset (a line of JSONL). */
export interface EvalCase<TInput = unknown, TExpected = unknown> {
  /** A stable name for the row; its line number (`line 3`) when the row has none. */
  id: string;
  /** What the agent is started with. */
  input: TInput;
  /** What the scorers compare the output with. */
  expected?: TExpected | undefined;
  /** States the run should enter, in order (see the `trajectory` scorer). */
  trajectory?: string[] | undefined;
  /**
   * What a person answers the run's human waits with, in order: each time the run rests
   * `waiting`, its waits are answered with the next replies, until the row has none left (the
   * case then ends `waiting`). See {@link EvalSuite.reply} to answer from code instead.
   */
  replies?: unknown[] | undefined;
  /** Any other field of the row, kept as it is. */
  [field: string]: unknown;
}

/** A versioned prompt as model calls record it. */
export interface PromptVersion {
  id: string;
  version: string | number;
}

/**
 * What one case's run did, for the scorers. `TContext` types the machine's context for a
 * suite's `output` function: `output: (run: EvalRun<MyContext>) => …`.
 */
export interface EvalRun<TContext = unknown> {
  outcome: RunOutcome;
  /** The machine's state value and context where the run came to rest. */
  state: unknown;
  context: TContext;
  /** Leaf states entered, in order: the path through the chart. */
  trajectory: string[];
  /** The versioned prompts its model calls were made from. */
  prompts: PromptVersion[];
}

/** A scorer's verdict on one case. */
export interface ScoreResult {
  /** 0 to 1. */
  score: number;
  pass: boolean;
  /** Why, when it did not pass (or what it measured). */
  reason?: string;
  /** The case gave the scorer nothing to judge (no expected trajectory, say): not counted. */
  skipped?: boolean;
  /** What the scorer's own model calls used (an LLM judge's), apart from the agent's usage. */
  usage?: ScorerUsage;
}

/** What a scorer's model calls used: the price of a verdict, not of the agent under test. */
export interface ScorerUsage {
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** What a scorer judges. */
export interface ScoreInput<TInput = unknown, TExpected = unknown> {
  case: EvalCase<TInput, TExpected>;
  /** The value under test: the run's output, or what the suite's `output` made of the run. */
  output: unknown;
  run: EvalRun;
}

/** Judges one case; a case passes when every scorer passes it. */
export interface Scorer<TInput = any, TExpected = any> {
  name: string;
  score(input: ScoreInput<TInput, TExpected>): ScoreResult | Promise<ScoreResult>;
}

/** An agent of any machine, as an eval runs it. */
export type AnyEvalAgent = Pick<Agent, 'start' | 'events' | 'close'>;

/** An eval suite: the agent, its variants to compare, how to read a run, the scorers. */
export interface EvalSuite<TInput = any, TExpected = any, TVariant = any> {
  /** Shown in reports. */
  name: string;
  /**
   * Builds the agent under test for a variant (once per variant, shared by its cases). Give
   * it an in-memory store: eval runs are thrown away.
   */
  agent(variant: TVariant): AnyEvalAgent | Promise<AnyEvalAgent>;
  /**
   * The variants to compare side by side, by name — prompt versions, models. Default: one
   * variant, `default`, built with `undefined`.
   */
  variants?: Readonly<Record<string, TVariant>> | undefined;
  /** The input a row starts the agent with. Default: the row's `input`. */
  // Typed as a method (checked as methods are: a narrower parameter is taken) that may be
  // undefined, as every option may (ADR 0080, 0090).
  input?: { input(row: EvalCase<TInput, TExpected>): unknown }['input'] | undefined;
  /** What the scorers judge. Default: the output of a `done` run, else undefined. */
  // Typed as a method (checked as methods are: a narrower parameter is taken) that may be
  // undefined, as every option may (ADR 0080, 0090).
  output?:
    | { output(run: EvalRun, row: EvalCase<TInput, TExpected>): unknown }['output']
    | undefined;
  scorers: readonly Scorer<TInput, TExpected>[];
  /**
   * What a person answers a wait with, when a case's run rests `waiting`: `index` counts the
   * case's replies so far, from 0. Return undefined to leave the wait unanswered (the case
   * then ends `waiting`). Default: the row's `replies`, in order. A case is given at most 50
   * replies: a chart that keeps asking fails its case rather than running the eval forever.
   */
  // Typed as a method (checked as methods are: a narrower parameter is taken) that may be
  // undefined, as every option may (ADR 0080, 0090).
  reply?:
    | {
        reply(
          wait: PendingHumanWait,
          row: EvalCase<TInput, TExpected>,
          index: number,
        ): unknown | Promise<unknown>;
      }['reply']
    | undefined;
  /** Cases run at once within a variant. Default 4. */
  concurrency?: number | undefined;
  /** The gate when `--min-pass-rate` is not given. */
  minPassRate?: number | undefined;
  /**
   * How long one scorer may take on one case; past it, that case fails with the reason and
   * the eval goes on. A scorer that never settles would otherwise hold the whole eval up.
   * Default 300 000 (five minutes).
   */
  scorerTimeoutMs?: number | undefined;
}

/** One scorer's verdict in a report. */
export interface CaseScore extends ScoreResult {
  scorer: string;
}

/** One case of one variant, as run. */
export interface EvalCaseResult {
  caseId: string;
  variant: string;
  /** Which run of the case this is, from 1, when each case runs more than once (`repeat`). */
  run?: number;
  /** How the run came to rest, or `error` when it could not run. */
  status: RunOutcome['status'] | 'error';
  passed: boolean;
  /** Mean of the scores that were not skipped. */
  score: number;
  scores: CaseScore[];
  output: unknown;
  trajectory: string[];
  prompts: PromptVersion[];
  usage?: RunUsage;
  ms: number;
  error?: string;
}

/** One variant's totals. */
export interface EvalVariantSummary {
  variant: string;
  /** Cases run: each case once per repetition. */
  cases: number;
  passed: number;
  passRate: number;
  /** With `repeat`: the cases some of whose runs passed and some did not. */
  flakyCases?: number;
  /** Mean score per scorer, over the cases it did not skip. */
  scorers: Record<string, number>;
  prompts: PromptVersion[];
  /** The agent's model calls, tokens and cost, over the variant's runs. */
  modelCalls: number;
  tokens: number;
  costUsd: number;
  /** What the scorers' own model calls cost (an LLM judge's), apart from `costUsd`. */
  scoringCostUsd: number;
  ms: number;
}

/** What `agentchart eval` writes with `--output`. */
export interface EvalReport {
  suite: string;
  dataset: string;
  startedAt: string;
  minPassRate?: number;
  variants: EvalVariantSummary[];
  cases: EvalCaseResult[];
}
