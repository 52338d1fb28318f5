/**
 * @module @agentchart/core/budget
 * The context budget: token counting per context section, planning a request against a
 * model's window (drop, trim, compress, keep head and tail), the token-tax ledger, and
 * capping tool output. The runtime applies it to every model call; these are its parts, for
 * inspecting plans and building contexts by hand.
 */
export {
  type ApplyContextBudgetOptions,
  applyContextBudget,
  type BudgetedRequest,
  type Summarise,
  type SummariseOptions,
} from './apply-context-budget';
export { BudgetError, type BudgetErrorDetails, type SectionSize } from './budget-error';
export { type BuildContextOptions, buildContext, type ContextBlock } from './build-context';
export {
  type CapToolOutputOptions,
  type CapToolOutputResult,
  capToolOutput,
} from './cap-tool-output';
export { type ContextFromRequestOptions, contextFromRequest } from './context-from-request';
export type { ConversationScan } from './conversation-scan';
export { createSummariser, type SummariserOptions, transcriptOf } from './create-summariser';
export {
  createTokenCounter,
  estimateTokenCounter,
  type TokenCounterOptions,
} from './create-token-counter';
export type { KeptWhole } from './cut-outside';
export { estimateTextTokens } from './estimate-text-tokens';
export type { HistorySummary } from './history-summary';
export {
  defaultContextStrategies,
  type PlanContextOptions,
  planContext,
} from './plan-context';
export { defaultSectionPolicies } from './section-policies';
export type { CompressingContextPlan, ContextPlan, FittingContextPlan } from './types';
