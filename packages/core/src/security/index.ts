/**
 * @module @agentchart/core/security
 * What stands between the model and the world beyond the tools' own checks: approvals bound
 * to a tool's exact arguments (`requestApproval`; `toolLoop`, `toolCall` and
 * `defineTool({ approval })` ask for them), guards around every model call, the fence that
 * marks tool output as data, and the redactor that keeps secrets and personal data out of
 * checkpoints, the journal, events and logs. The types the root's values reach (the approval
 * options and grants, `Redactor`) are exported from the root (ADR 0099).
 */

export type { CanonicalJsonOptions } from '../cache/canonical-json';
export type { ApprovalDecision } from '../effects/ask-approval';
export { requestApproval } from '../effects/request-approval';
export type { GrantRefusal } from '../effects/use-approval-grant';
export { createGuard, type GuardOptions, type GuardVerdict } from '../pipeline/create-guard';
export { argumentsHash } from './arguments-hash';
export type { CreateRedactorOptions } from './create-redactor';
export { createRedactor } from './create-redactor';
export { fenceUntrusted, untrustedContentNote } from './fence-untrusted';
export { piiPatterns } from './pii-patterns';
export { visibleJson } from './visible-json';
