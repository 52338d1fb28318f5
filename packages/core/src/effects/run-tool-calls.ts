import { capToolOutput } from '../budget/cap-tool-output';
import { AgentchartError } from '../errors/agentchart-error';
import { RunError } from '../errors/run-error';
import type { ApprovalReason } from '../events/types';
import type { ChatMessage } from '../model/types';
import type { AnyTool } from '../tools/types';
import { approveToolCall } from './approve-tool-call';
import { type ApprovalOptions, rejectedError } from './ask-approval';
import { callSignature } from './call-signature';
import type { EffectScope } from './effect-scope';
import { executeTool, idempotencyKeyOf } from './execute-tool';
import type { PlannedCall } from './plan-tool-call';
import { recordedOnly } from './recorded-calls';

/** How a tool loop's calls are approved. */
export interface ToolLoopApprovals extends ApprovalOptions {
  /**
   * `require` (default): once untrusted content is in the conversation — the output of a
   * tool without `trustedOutput` (one the prompt carries on from an earlier conversation
   * included), an `untrusted` message, an `untrustedInput` prompt — a call
   * of a tool whose `approval` is `when-untrusted` (every `unsafe` tool unless it says
   * otherwise) waits for a person's approval. `ignore`: it does not (tools whose `approval`
   * is `always` still ask).
   */
  untrustedContext?: 'require' | 'ignore' | undefined;
  /**
   * `fail` (default): a rejected or unanswered approval ends the loop with
   * `approval.rejected` / `approval.expired`, for the chart to route. `report`: the model is
   * told the call did not run, and the loop goes on.
   */
  onRejected?: 'fail' | 'report' | undefined;
}

/** Options of {@link runToolCalls}. */
export interface RunToolCallsOptions {
  onToolError: 'report' | 'fail';
  maxToolOutputTokens: number;
  /** True when the conversation the model answered from holds untrusted content. */
  untrusted: boolean;
  approvals: ToolLoopApprovals;
  /**
   * The loop's idempotency keys of `idempotent` calls that timed out, by tool and arguments
   * (see {@link callSignature}): a timed-out call may have acted, and the model's retry of
   * it must reach the outside system under the same key, which then drops the repeat.
   */
  unsettledKeys: Map<string, string>;
}

/** What running one answer's tool calls gave: the messages for the model, and their trust. */
export interface ToolCallResults {
  messages: ChatMessage[];
  /** True when a result came from a tool whose output is not trusted. */
  untrusted: boolean;
}

/** Why a call of `tool` needs a person's approval now, if it does. */
export function approvalReasonFor(
  tool: AnyTool,
  untrusted: boolean,
  approvals: ToolLoopApprovals,
): ApprovalReason | undefined {
  if (tool.approval === 'always') return 'always';
  if (
    tool.approval === 'when-untrusted' &&
    untrusted &&
    (approvals.untrustedContext ?? 'require') === 'require'
  ) {
    return 'untrusted-context';
  }
  return undefined;
}

/**
 * Runs an answer's valid calls (safe ones in parallel, unsafe ones in order, each after its
 * approval when it needs one) and answers every call: invalid ones with their error, an
 * unsafe or idempotent call's repeat in the same answer (see `markRepeatedActingCalls`) with why it did not
 * run.
 */
export async function runToolCalls(
  scope: EffectScope,
  planned: readonly PlannedCall[],
  { onToolError, maxToolOutputTokens, untrusted, approvals, unsettledKeys }: RunToolCallsOptions,
): Promise<ToolCallResults> {
  let untrustedResult = false;
  const { redactor } = scope.run.runtime;
  // The cut text is what is stored (and redacted there): a cut inside a secret would keep a
  // part of it no redaction recognises, so cuts go around the redactor's matches.
  const keepWhole = redactor.active ? (text: string) => redactor.spans(text) : undefined;
  const answer = async (planned: PlannedCall): Promise<ChatMessage> => {
    const base = { role: 'tool' as const, toolCallId: planned.call.id, name: planned.call.name };
    // A 10 MB tool result must not flood the history: cut it, with a marker the model reads.
    const capped = (content: string) =>
      capToolOutput(content, { maxTokens: maxToolOutputTokens, tool: planned.call.name, keepWhole })
        .content;
    if (planned.kind === 'invalid')
      return { ...base, content: JSON.stringify({ error: planned.message }) };
    if (planned.kind === 'repeat') return { ...base, content: repeatNotRun(planned) };
    const { input } = planned;
    // A call kept for its record never runs the tool with arguments its schema refuses.
    const tool = planned.recorded
      ? recordedOnly(planned.tool, planned.recorded.message)
      : planned.tool;
    // Allocated before any wait, in call order: a resume finds the same call under the same
    // key, and its approvals keyed after it.
    const key = scope.nextKey(`tool:${tool.name}`);
    // A call that fits no more, kept for its record (see keepRecordedCalls), runs only as it
    // was recorded: under another key there is no record, and it would run with arguments
    // its tool's schema refuses.
    if (planned.recorded && planned.recorded.key !== key) {
      return { ...base, content: JSON.stringify({ error: planned.recorded.message }) };
    }
    const reason = approvalReasonFor(tool, untrusted, approvals);
    if (reason) {
      const refusal = await approve(scope, { key, tool, input, reason, approvals });
      if (refusal) return { ...base, content: JSON.stringify({ error: refusal }) };
    }
    if (!tool.trustedOutput) untrustedResult = true;
    const signature = tool.effect === 'idempotent' ? callSignature(tool, input) : undefined;
    const unsettled = signature === undefined ? undefined : unsettledKeys.get(signature);
    try {
      // The journal keeps the text the model reads, capped like the history, not the whole
      // output: what a resume returns is what the model saw.
      const content = await executeTool(scope, tool, input, {
        key,
        present: (_output, json) => capped(json),
        ...(unsettled === undefined ? {} : { idempotencyKey: unsettled }),
      });
      if (signature !== undefined) unsettledKeys.delete(signature);
      return { ...base, content: content as string };
    } catch (error) {
      if (signature !== undefined) {
        // Timed out, it may have acted: a retry reuses its key. Any other failure is settled.
        const timedOut = AgentchartError.isInstance(error) && error.code === 'tool.timeout';
        if (timedOut) unsettledKeys.set(signature, unsettled ?? idempotencyKeyOf(scope, key));
        else unsettledKeys.delete(signature);
      }
      // An ambiguous unsafe call goes to the chart (onError), never back to the model, which
      // could call the tool again under a new key and act twice.
      const code = AgentchartError.isInstance(error) ? error.code : undefined;
      const ambiguous = code === 'effect.ambiguous';
      // An unsafe tool whose output broke its contract (or nested too deep to keep) did run
      // (it may have charged the card): told so, the model would call it again and act twice.
      const acted =
        tool.effect === 'unsafe' &&
        (code === 'tool.invalid_output' || code === 'tool.output_too_deep');
      if (onToolError === 'fail' || scope.signal.aborted || ambiguous || acted) throw error;
      return { ...base, content: capped(JSON.stringify({ error: (error as Error).message })) };
    }
  };
  // A call that throws fails the whole answer (and the loop): the error goes to the chart.
  // Unsafe calls still queued behind it must not start then — nor once the effect was
  // aborted (its state left, its run ended): the chart has moved on, and a payment made
  // after that is one nobody routes or records.
  let stopped: { error: unknown } | undefined;
  const answerOrStop = (call: PlannedCall): Promise<ChatMessage> =>
    answer(call).catch((error: unknown) => {
      stopped ??= { error };
      throw error;
    });
  const ifNotStopped = (call: PlannedCall): Promise<ChatMessage> => {
    if (stopped) return Promise.reject(stopped.error);
    if (scope.aborted) return Promise.reject(scope.abortReason);
    return answerOrStop(call);
  };
  // The calls beside the unsafe chain (safe and invalid ones), which may stop it.
  const beside: Promise<ChatMessage>[] = [];
  const unlessStopped = (call: PlannedCall): Promise<ChatMessage> => {
    const { replay } = scope.run;
    if (!replay || call.kind !== 'valid') return ifNotStopped(call);
    // A replay takes the calls its recording took, not those a race decides: a failure it
    // reads back comes sooner than it came, and stopped a call the recording made (which
    // failed the replay as unreached), or came later and let one start it never made. Nothing
    // runs in a replay: a call on record is read back; one that is not waits for the calls
    // beside it to fail or not, as they did in the recording.
    if (replay.recorded(scope.peekKey(`tool:${call.tool.name}`))) return answerOrStop(call);
    return Promise.allSettled(beside).then(() => ifNotStopped(call));
  };
  // Keys are allocated in call order, so resumes replay the same calls under the same keys.
  const results: Promise<ChatMessage>[] = [];
  let unsafeChain: Promise<unknown> = Promise.resolve();
  for (const call of planned) {
    if (call.kind === 'valid' && call.tool.effect === 'unsafe') {
      const result = unsafeChain.then(() => unlessStopped(call));
      unsafeChain = result.catch(() => undefined);
      results.push(result);
    } else {
      const result = answerOrStop(call);
      beside.push(result);
      results.push(result);
    }
  }
  const messages = await Promise.all(results);
  return { messages, untrusted: untrustedResult };
}

/** What the model reads for an unsafe or idempotent call that repeats an earlier one of the same answer. */
function repeatNotRun({ call, firstId }: PlannedCall & { kind: 'repeat' }): string {
  return JSON.stringify({
    error: `Not run: this answer already calls "${call.name}" with the same arguments (call ${firstId}), and a tool that acts on the outside world runs once per answer for the same arguments. Its result is that call's. If it must really run twice, call it again in your next answer.`,
  });
}

/**
 * Waits for a person's decision on one call. Resolves undefined when it may run, or with
 * what the model is told when it may not (`onRejected: 'report'`); otherwise throws
 * `approval.rejected` / `approval.expired` for the chart.
 */
async function approve(
  scope: EffectScope,
  {
    key,
    tool,
    input,
    reason,
    approvals,
  }: {
    key: string;
    tool: AnyTool;
    input: unknown;
    reason: ApprovalReason;
    approvals: ToolLoopApprovals;
  },
): Promise<string | undefined> {
  const report = approvals.onRejected === 'report';
  try {
    const decision = await approveToolCall(scope, { key, tool, input, reason, options: approvals });
    if (decision.approved) return undefined;
    if (!report) throw rejectedError(decision);
    return `A person rejected this call of "${tool.name}"${decision.reason ? `: ${decision.reason}` : ''}. It did not run; do not call it again with the same arguments.`;
  } catch (error) {
    const expired = RunError.isInstance(error) && error.code === 'approval.expired';
    if (report && expired && !scope.signal.aborted) {
      return `Nobody approved this call of "${tool.name}" in time. It did not run.`;
    }
    throw error;
  }
}
