/**
 * @module @agentchart/core/security
 * What stands between the model and the world beyond the tools' own checks: guards around
 * every model call, the fence that marks tool output as data, the redactor that keeps
 * secrets and personal data out of checkpoints, the journal, events and logs, and the hash
 * approvals are bound to. Approvals themselves are root exports (`requestApproval`,
 * `toolCall`, `toolLoop`, `defineTool({ approval })`).
 */
export type { ApprovalDecision, ApprovalOptions } from '../effects/ask-approval';
export type { ToolLoopApprovals } from '../effects/run-tool-calls';
export type { GrantedToolCallInput, ToolCallOptions } from '../effects/tool-call';
export type { GrantRefusal } from '../effects/use-approval-grant';
export type { ApprovalReason } from '../events/types';
export { createGuard, type GuardOptions, type GuardVerdict } from '../pipeline/create-guard';
export { argumentsHash } from './arguments-hash';
export { createRedactor, type RedactionOptions, type Redactor } from './create-redactor';
export { fenceUntrusted, untrustedContentNote } from './fence-untrusted';
export { type PiiPatternName, piiPatterns, type RedactionPattern } from './pii-patterns';
