import { DefinitionError, type RunOutcome } from '@agentchart/core';
import { roundUsd } from '@agentchart/core/cost';
import { checkOptionNames, describeValue, optionNamesOf } from '@agentchart/core/internal';
import type {
  CaseScore,
  EvalCase,
  EvalCaseResult,
  EvalRun,
  EvalSuite,
  EvalVariantSummary,
  PromptVersion,
  ScoreResult,
} from './types';
import { verdictProblem } from './verdict-problem';

/** Options of {@link runEval}. */
export interface RunEvalOptions {
  suite: EvalSuite;
  cases: readonly EvalCase[];
  /** The variants to run, by name. Default: every variant of the suite. */
  variants?: readonly string[] | undefined;
  /** Cases at once within a variant. Default: the suite's, else 4. */
  concurrency?: number | undefined;
  /**
   * Runs each case this many times (model outputs vary from run to run): every run is scored
   * and counted in the pass rate, and a case that passed some of its runs but not all is
   * counted as flaky. Default 1.
   */
  repeat?: number | undefined;
  /** Called as each case finishes, with how many of the variant's cases are done. */
  // Typed as a method (checked as methods are: a narrower parameter is taken) that may be
  // undefined, as every option may (ADR 0080, 0090).
  onCase?:
    | { onCase(result: EvalCaseResult, done: number, total: number): void }['onCase']
    | undefined;
  /** For durations; `performance.now` by default. */
  now?: (() => number) | undefined;
}

const runEvalOptionNames = optionNamesOf<RunEvalOptions>({
  suite: true,
  cases: true,
  variants: true,
  concurrency: true,
  repeat: true,
  onCase: true,
  now: true,
});

/** The cases of every variant and each variant's totals. */
export interface RunEvalResult {
  variants: EvalVariantSummary[];
  cases: EvalCaseResult[];
}

/**
 * Runs a suite's agent over a dataset, variant after variant, a few cases at once: each case
 * on its own thread, scored by every scorer, with the states it entered and the prompt
 * versions its model calls recorded.
 */
export async function runEval(options: RunEvalOptions): Promise<RunEvalResult> {
  // A misspelt `concurency` ran at the default.
  checkOptionNames('runEval', options, runEvalOptionNames);
  const {
    suite,
    cases,
    variants = Object.keys(suite.variants ?? { default: undefined }),
    concurrency = suite.concurrency ?? 4,
    repeat = 1,
    onCase = () => {},
    now = () => performance.now(),
  } = options;
  for (const [name, value, what] of [
    ['repeat', repeat, 'how many times to run each case'],
    // NaN ran no case and reported a pass rate of 0, with no error.
    ['concurrency', concurrency, 'how many cases run at once'],
  ] as const) {
    if (!(Number.isSafeInteger(value) && value >= 1)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `runEval: ${name} is ${describeValue(value)}; give ${what}, a whole number from 1.`,
      );
    }
  }
  if (variants.length === 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      'runEval: variants is an empty list, so no case would run. Name the variants to run, or leave it out for all of them.',
    );
  }
  // A variant the suite does not define ran the agent without one, and was reported passing.
  const defined = Object.keys(suite.variants ?? { default: undefined });
  const unknown = variants.filter((variant) => !defined.includes(variant));
  if (unknown.length > 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `runEval: variants ${unknown.map((name) => `"${name}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not defined by the suite; it defines ${defined.map((name) => `"${name}"`).join(', ')}.`,
    );
  }
  // Each case `repeat` times, the runs of one case one after the other in the queue.
  const jobs = cases.flatMap((row) =>
    Array.from({ length: repeat }, (_, index) => ({
      row,
      run: repeat > 1 ? index + 1 : undefined,
    })),
  );
  const results: EvalCaseResult[] = [];
  const summaries: EvalVariantSummary[] = [];
  for (const variant of variants) {
    const started = now();
    let agent: Awaited<ReturnType<EvalSuite['agent']>>;
    try {
      agent = await suite.agent(suite.variants ? suite.variants[variant] : undefined);
    } catch (error) {
      // A variant that cannot be built (its model's key missing) measured nothing; the other
      // variants' results still stand, and every case of this one says why.
      const unbuilt = jobs.map(
        ({ row, run }): EvalCaseResult =>
          unscored(
            { caseId: row.id, variant, ...runField(run), trajectory: [], prompts: [], ms: 0 },
            `agent(${JSON.stringify(variant)}) threw: ${messageOf(error)}`,
          ),
      );
      for (const [index, result] of unbuilt.entries()) onCase(result, index + 1, jobs.length);
      results.push(...unbuilt);
      summaries.push(summarise(variant, unbuilt, now() - started));
      continue;
    }
    const trajectories = new Map<string, string[]>();
    // The leaf states each thread is in: a run restored to answer a reply announces the state
    // it rests in again, which is not a step of its path.
    const inside = new Map<string, Set<string>>();
    const prompts = new Map<string, Map<string, PromptVersion>>();
    const offEnter = agent.events.on('state.enter', (event) => {
      const states = inside.get(event.threadId);
      if (!states || states.has(event.state)) return;
      states.add(event.state);
      trajectories.get(event.threadId)?.push(event.state);
    });
    const offExit = agent.events.on('state.exit', (event) =>
      inside.get(event.threadId)?.delete(event.state),
    );
    const offCall = agent.events.on('llm.call.start', (event) => {
      if (event.prompt)
        prompts
          .get(event.threadId)
          ?.set(`${event.prompt.id}@${event.prompt.version}`, event.prompt);
    });
    const variantResults: EvalCaseResult[] = [];
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const { row, run } = jobs[next++]!;
        const threadId = `eval:${variant}:${row.id}:${Math.random().toString(36).slice(2, 8)}`;
        trajectories.set(threadId, []);
        inside.set(threadId, new Set());
        prompts.set(threadId, new Map());
        const result = await runCase({
          suite,
          agent,
          row,
          run,
          variant,
          threadId,
          now,
          trajectories,
          prompts,
        });
        inside.delete(threadId);
        variantResults.push(result);
        onCase(result, variantResults.length, jobs.length);
      }
    };
    try {
      await Promise.all(
        Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, worker),
      );
    } finally {
      offEnter();
      offExit();
      offCall();
      await agent.close();
    }
    // Reports list cases in dataset order, whatever order they finished in.
    const order = new Map(cases.map((row, index) => [row.id, index]));
    variantResults.sort(
      (a, b) =>
        (order.get(a.caseId) ?? 0) - (order.get(b.caseId) ?? 0) || (a.run ?? 0) - (b.run ?? 0),
    );
    results.push(...variantResults);
    summaries.push(summarise(variant, variantResults, now() - started));
  }
  return { variants: summaries, cases: results };
}

async function runCase({
  suite,
  agent,
  row,
  run: repetition,
  variant,
  threadId,
  now,
  trajectories,
  prompts,
}: {
  suite: EvalSuite;
  agent: Awaited<ReturnType<EvalSuite['agent']>>;
  row: EvalCase;
  /** Which run of the case this is, when each case runs more than once. */
  run: number | undefined;
  variant: string;
  threadId: string;
  now: () => number;
  trajectories: Map<string, string[]>;
  prompts: Map<string, Map<string, PromptVersion>>;
}): Promise<EvalCaseResult> {
  const started = now();
  const base = { caseId: row.id, variant, ...runField(repetition) };
  let run: EvalRun;
  let stage = "the suite's input function threw: ";
  try {
    const input = suite.input ? suite.input(row) : row.input;
    stage = '';
    const handle = agent.start({ threadId, input });
    let outcome: RunOutcome = await handle.result();
    let replies = 0;
    answering: while (outcome.status === 'waiting') {
      for (const wait of outcome.waits) {
        if (replies === maxRepliesPerCase) {
          throw new Error(
            `the run still waits after ${maxRepliesPerCase} replies (${JSON.stringify(wait.prompt)}): a case gets at most ${maxRepliesPerCase}, so a chart that keeps asking cannot hold the eval up. Return undefined from the suite's reply to leave a wait unanswered.`,
          );
        }
        stage = "the suite's reply function threw: ";
        const answer = suite.reply
          ? await suite.reply(wait, row, replies)
          : (row.replies as unknown[] | undefined)?.[replies];
        stage = '';
        if (answer === undefined) break answering;
        replies++;
        // A wait that refuses the reply says so through the run's result (or here, when live).
        stage = `reply ${replies} (${JSON.stringify(answer)?.slice(0, 200)}) to ${JSON.stringify(wait.prompt)} was refused: `;
        handle.reply(answer, wait.waitId);
      }
      outcome = await handle.result();
      stage = '';
    }
    const snapshot = handle.getSnapshot() as { value?: unknown; context?: unknown };
    run = {
      outcome,
      state: snapshot.value,
      context: snapshot.context,
      trajectory: trajectories.get(threadId) ?? [],
      prompts: [...(prompts.get(threadId)?.values() ?? [])],
    };
  } catch (error) {
    return unscored(
      {
        ...base,
        trajectory: trajectories.get(threadId) ?? [],
        prompts: [],
        ms: Math.round(now() - started),
      },
      `${stage}${messageOf(error)}`,
    );
  } finally {
    trajectories.delete(threadId);
    prompts.delete(threadId);
  }
  let output: unknown;
  try {
    output = suite.output
      ? suite.output(run, row)
      : run.outcome.status === 'done'
        ? run.outcome.output
        : undefined;
  } catch (error) {
    // The suite's own code, not the agent: this case cannot be scored, the others still can.
    return unscored(
      {
        ...base,
        trajectory: run.trajectory,
        prompts: run.prompts,
        usage: run.outcome.usage,
        ms: Math.round(now() - started),
      },
      `the suite's output function threw: ${messageOf(error)}. The run ended ${run.outcome.status}; make output(run, row) read what every run has, or handle a run that came to rest elsewhere.`,
    );
  }
  const scores: CaseScore[] = [];
  const scorerTimeoutMs = suite.scorerTimeoutMs ?? defaultScorerTimeoutMs;
  for (const scorer of suite.scorers) {
    try {
      const verdict: unknown = await withinTime(
        () => scorer.score({ case: row, output, run }),
        scorerTimeoutMs,
        `the scorer did not settle within ${scorerTimeoutMs} ms (the suite's scorerTimeoutMs); it was given up on and the case failed`,
      );
      const problem = verdictProblem(verdict);
      scores.push(
        problem === undefined
          ? { scorer: scorer.name, ...(verdict as ScoreResult) }
          : { scorer: scorer.name, score: 0, pass: false, reason: problem },
      );
    } catch (error) {
      scores.push({
        scorer: scorer.name,
        score: 0,
        pass: false,
        reason: `the scorer failed: ${messageOf(error)}`,
      });
    }
  }
  const counted = scores.filter((score) => !score.skipped);
  return {
    ...base,
    status: run.outcome.status,
    passed: scores.every((score) => score.pass),
    score: counted.length
      ? counted.reduce((sum, score) => sum + score.score, 0) / counted.length
      : 1,
    scores,
    output,
    trajectory: run.trajectory,
    prompts: run.prompts,
    usage: run.outcome.usage,
    ms: Math.round(now() - started),
    ...(run.outcome.status === 'failed'
      ? { error: `${run.outcome.error.code}: ${run.outcome.error.message}` }
      : {}),
  };
}

function summarise(
  variant: string,
  results: readonly EvalCaseResult[],
  ms: number,
): EvalVariantSummary {
  const passed = results.filter((result) => result.passed).length;
  // A case run more than once is flaky when some of its runs passed and some did not.
  const verdicts = new Map<string, Set<boolean>>();
  for (const result of results) {
    if (result.run === undefined) continue;
    const seen = verdicts.get(result.caseId) ?? new Set<boolean>();
    seen.add(result.passed);
    verdicts.set(result.caseId, seen);
  }
  const byScorer = new Map<string, number[]>();
  const prompts = new Map<string, PromptVersion>();
  for (const result of results) {
    for (const score of result.scores) {
      if (score.skipped) continue;
      byScorer.set(score.scorer, [...(byScorer.get(score.scorer) ?? []), score.score]);
    }
    for (const prompt of result.prompts) prompts.set(`${prompt.id}@${prompt.version}`, prompt);
  }
  const total = (pick: (result: EvalCaseResult) => number) =>
    results.reduce((sum, result) => sum + pick(result), 0);
  return {
    variant,
    cases: results.length,
    passed,
    passRate: results.length ? passed / results.length : 0,
    ...(verdicts.size > 0
      ? { flakyCases: [...verdicts.values()].filter((seen) => seen.size === 2).length }
      : {}),
    scorers: Object.fromEntries(
      [...byScorer].map(([name, values]) => [
        name,
        values.reduce((a, b) => a + b, 0) / values.length,
      ]),
    ),
    prompts: [...prompts.values()],
    modelCalls: total((result) => result.usage?.modelCalls ?? 0),
    tokens: total((result) =>
      result.usage ? result.usage.inputTokens + result.usage.outputTokens : 0,
    ),
    // Rounded as every cost is summed: a float sum printed $0.30000000000000004 in the report.
    costUsd: roundUsd(total((result) => result.usage?.costUsd ?? 0)),
    scoringCostUsd: roundUsd(
      total((result) => result.scores.reduce((sum, score) => sum + (score.usage?.costUsd ?? 0), 0)),
    ),
    ms: Math.round(ms),
  };
}

/** The `run` field of a case's result: only when each case runs more than once. */
function runField(run: number | undefined): { run?: number } {
  return run === undefined ? {} : { run };
}

/** Replies one case is given at most (see `EvalSuite.reply`). */
const maxRepliesPerCase = 50;

/** How long one scorer may take on one case, by default. */
const defaultScorerTimeoutMs = 300_000;

/** What `work` settles with, or a rejection with `message` once `ms` have passed. */
async function withinTime<T>(work: () => T | Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(work), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A case that could not be scored: an `error`, with what it did get to see. */
function unscored(
  seen: Pick<
    EvalCaseResult,
    'caseId' | 'variant' | 'run' | 'trajectory' | 'prompts' | 'ms' | 'usage'
  >,
  error: string,
): EvalCaseResult {
  // In the order a scored case's fields come, so reports read alike.
  const { caseId, variant, run, ...rest } = seen;
  return {
    caseId,
    variant,
    ...runField(run),
    status: 'error',
    passed: false,
    score: 0,
    scores: [],
    output: undefined,
    ...rest,
    error,
  };
}

/** What a thrown value says. */
function messageOf(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}
