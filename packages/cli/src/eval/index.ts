/**
 * @module agentchart/eval
 * Evals for agentchart agents: suites over golden datasets (JSONL), built-in scorers, and the
 * runner behind `agentchart eval <module> <dataset.jsonl>` — pass rates per variant (prompt
 * versions side by side) and a gate for CI.
 */
export { defineEval, isEvalSuite } from './define-eval';
export { parseDataset } from './load-dataset';
export { type RunEvalOptions, type RunEvalResult, runEval } from './run-eval';
export { customScorer } from './scorers/custom-scorer';
export { exactMatch } from './scorers/exact-match';
export { fieldMatch } from './scorers/field-match';
export { type LlmJudgeOptions, llmJudge } from './scorers/llm-judge';
export { type NumericToleranceOptions, numericTolerance } from './scorers/numeric-tolerance';
export { type ParsingSchema, schemaValid } from './scorers/schema-valid';
export { trajectory } from './scorers/trajectory';
export type {
  AnyEvalAgent,
  CaseScore,
  EvalCase,
  EvalCaseResult,
  EvalReport,
  EvalRun,
  EvalSuite,
  EvalVariantSummary,
  PromptVersion,
  ScoreInput,
  ScoreResult,
  Scorer,
  ScorerUsage,
} from './types';
