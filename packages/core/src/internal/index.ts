/**
 * @module @agentchart/core/internal
 * For authors of model adapters, stores and effects — not for writing agents. What is here
 * may change between minor versions.
 */
export { isAgentFactory } from '../agent/agent-factory';
export { currentReplySchema, type WaitSite } from '../agent/current-reply-schema';
export { machineVersionOf, versionWithoutChildMachines } from '../agent/inspect-machine';
export { randomId, sleep, systemClock, systemRandom, timeOrderedIds } from '../clock/clock';
export { createEffectLogic, effectSpecOf } from '../effects/create-effect-logic';
export type { EffectScope } from '../effects/effect-scope';
export { RecordedEffectError } from '../effects/recorded-effect-error';
export type { EffectLogicKind, EffectSpec } from '../effects/types';
export { serializeError } from '../errors/agentchart-error';
export { describeThrown } from '../errors/describe-thrown';
export {
  checkOptionNames,
  closestName,
  definedOptions,
  describeValue,
  optionNamesOf,
} from '../errors/option-names';
export { runEventTypes } from '../events/run-event-types';
export { capJournalValue, type OmittedValue } from '../ledger/cap-journal-value';
export { addRecordUsage, emptyUsage, usageFromJournal } from '../ledger/fold-usage';
export type { LateToolResult } from '../ledger/types';
export { isRetryableModelErrorKind } from '../model/model-call-error';
export { type HeaderSource, parseRetryAfter } from '../model/parse-retry-after';
export { type ExtractJsonResult, extractJson } from '../output/extract-json';
export type { ModelCallPipeline } from '../pipeline/types';
export { maxTimerMs, validateNumberOption } from '../reliability/validate-option';
export { childWaitId } from '../run/child-thread-id';
export { effectStillRuns } from '../run/effect-still-runs';
export { type RunPhase, runTransitions } from '../run/run-lifecycle';
export {
  type EffectLogColumn,
  effectLogChangingColumns,
  effectLogColumns,
  effectLogRowFromColumns,
  effectLogValues,
  runSummaryFromColumns,
} from '../run-log/effect-log-columns';
export { effectLogRowOf } from '../run-log/effect-log-row';
export {
  filterEffectLog,
  summariseCostRows,
  summariseRuns,
  type ThreadHead,
  utcDay,
} from '../run-log/summarise-rows';
export { absentMessage, conflictMessage, fencedMessage } from '../store/conflict-messages';
export {
  type ErasedRows,
  type EraseSteps,
  eraseInBatches,
  isDescendantThread,
  liveLeaseError,
} from '../store/erase-in-batches';
export { assertLeaseOptions } from '../store/lease-options';
export { listTenantThreadsInPages, type TenantScanSteps } from '../store/list-tenant-threads';
export { checkListDueOptions, checkListThreadsOptions } from '../store/list-threads-options';
export {
  isKeptForItsParent,
  type PrunableThread,
  type PruneSteps,
  pruneInBatches,
} from '../store/prune-in-batches';
export { headOf, sliceWhole } from '../text/whole-characters';
export { toJsonSchema } from '../tools/to-json-schema';
export type { ToolInputFrom, ToolOutputFrom } from '../tools/types';
