/**
 * @module @agentchart/core/security
 * What stands between the model and the world beyond the tools' own checks: approvals bound
 * to a tool's exact arguments (`requestApproval` and its grants; `toolLoop`, `toolCall` and
 * `defineTool({ approval })` ask for them), guards around every model call, the fence that
 * marks tool output as data, and the redactor that keeps secrets and personal data out of
 * checkpoints, the journal, events and logs.
 */

export type { CanonicalJsonOptions } from '../cache/canonical-json';
export type { ApprovalDecision, ApprovalOptions } from '../effects/ask-approval';
export { requestApproval } from '../effects/request-approval';
export type { ToolLoopApprovals } from '../effects/run-tool-calls';
export type { GrantedToolCallInput, ToolCallOptions } from '../effects/tool-call';
export type { ApprovalGrant, GrantRefusal } from '../effects/use-approval-grant';
export type { ApprovalReason } from '../events/types';
export { createGuard, type GuardOptions, type GuardVerdict } from '../pipeline/create-guard';
export type { PendingApproval } from '../run/types';
export type { ToolApproval } from '../tools/types';
export { argumentsHash } from './arguments-hash';
export type { CreateRedactorOptions } from './create-redactor';
export { createRedactor, type RedactionOptions, type Redactor } from './create-redactor';
export { fenceUntrusted, untrustedContentNote } from './fence-untrusted';
export { type PiiPatternName, piiPatterns, type RedactionPattern } from './pii-patterns';
export { visibleJson } from './visible-json';
