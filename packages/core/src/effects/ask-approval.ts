import { z } from 'zod';
import { DefinitionError } from '../errors/definition-error';
import { describeIssues } from '../errors/describe-issues';
import { describeValue } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import type { ApprovalReason } from '../events/types';
import { capJournalValue } from '../ledger/cap-journal-value';
import { validateNumberOption } from '../reliability/validate-option';
import { replyTargetOf } from '../run/child-thread-id';
import { lossyArgumentsError } from '../security/arguments-hash';
import { visibleJson } from '../security/visible-json';
import { headOf } from '../text/whole-characters';
import { durableWait } from './durable-wait';
import type { EffectScope } from './effect-scope';

/** How approvals of tool calls are asked for and how long they hold. */
export interface ApprovalOptions {
  /**
   * How long a person has to answer; then the call fails with `approval.expired`. Survives
   * restarts like any human wait. Default 24 hours.
   */
  timeoutMs?: number | undefined;
  /**
   * How long an approval may wait to be used. Past it, an approval given before a restart
   * and not used is asked for again (in a tool loop or a `toolCall`), and a grant from
   * `requestApproval` is refused with `approval.expired`. Default 15 minutes.
   */
  validForMs?: number | undefined;
  /**
   * The question a person is asked. Default: the tool's name and its exact arguments. Kept
   * with the wait (its first 2,000 characters, redacted), so `agentchart waits`, `show` and
   * the studio show it, followed by the exact call, to whoever answers from the store.
   */
  prompt?: ((call: { tool: string; arguments: unknown }) => string) | undefined;
}

/** What a person answered to an approval request, as the journal records it. */
export interface ApprovalDecision {
  approved: boolean;
  /** Why, when the person said. */
  reason?: string;
  /** The tool asked about. */
  tool: string;
  /** The hash of the tool's name and the arguments asked about. */
  argumentsHash: string;
  /** When the person answered, on the run's clock. */
  decidedAt: number;
  /** Until when an approval may be used: `decidedAt` plus `validForMs`. */
  expiresAt: number;
}

/** The most of a custom approval question the journal keeps: it is for a person to read. */
const maxQuestionCharacters = 2_000;

/** Defaults of {@link ApprovalOptions}. */
export const approvalDefaults = {
  timeoutMs: 24 * 3_600_000,
  validForMs: 15 * 60_000,
} as const;

/** The replies an approval accepts. */
// Strict: a field an approval does not keep (a `note`, a `comment`) is refused, not dropped,
// so whoever answered learns their words went nowhere; the recorded schema says the same.
const approvalReply = z.strictObject({
  approved: z.boolean(),
  reason: z.string().max(2_000).optional(),
  argumentsHash: z.string().optional(),
});

/**
 * The reply an approval wait asks for, as JSON Schema, kept with the wait for whoever answers
 * from outside the process (`agentchart waits`, `show`, the studio): a decision, and the hash
 * of the arguments the person was shown, so the answer is bound to them — without it, the
 * command `show` suggested (`--reply true`) was no approval at all.
 */
function approvalReplySchema(argumentsHash: string): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      approved: { type: 'boolean' },
      reason: { type: 'string', maxLength: 2_000 },
      argumentsHash: { const: argumentsHash },
    },
    required: ['approved', 'argumentsHash'],
    additionalProperties: false,
  };
}

/** Refuses approval options that make no sense, at definition time. */
export function checkApprovalOptions(owner: string, options: ApprovalOptions): void {
  if (options.prompt !== undefined && typeof options.prompt !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: prompt is ${describeValue(options.prompt)}. Give a function of the call ({ tool, arguments }) returning the question a person is asked, or leave it out for the tool's name and exact arguments.`,
    );
  }
  for (const name of ['timeoutMs', 'validForMs'] as const) {
    const value = options[name];
    if (value === undefined) continue;
    validateNumberOption(owner, name, value, {
      min: 0,
      exclusiveMin: true,
      max: Number.MAX_SAFE_INTEGER,
      expected: 'a positive number of milliseconds',
    });
  }
}

/** The question asked by default: the tool and its exact arguments. */
export function defaultApprovalPrompt({
  tool,
  arguments: args,
}: {
  tool: string;
  arguments: unknown;
}) {
  // Invisible and reordering characters are shown as escapes: a person approves what the
  // arguments hold, not what they look like.
  const shown = visibleJson(args, {
    onLossy: (path, description) => {
      throw lossyArgumentsError(tool, path, description);
    },
  });
  return `Allow the call of tool "${tool}" with these exact arguments? ${shown}`;
}

/** Options of {@link askApproval}. */
export interface AskApprovalOptions {
  /** The wait's journal key. */
  key: string;
  tool: string;
  /** The validated arguments the tool would run with. */
  input: unknown;
  /** Their hash (see `argumentsHash`). */
  argumentsHash: string;
  reason: ApprovalReason;
  options: ApprovalOptions;
}

/**
 * Asks a person to approve one tool call, as a durable human wait that lists the exact tool
 * name and arguments and records their hash with the decision. Resolves with the decision
 * (a recorded one after a restart, with `replayed`); fails with `approval.expired` when
 * nobody answers in time. Nothing but a reply to this very wait decides it.
 */
export async function askApproval(
  scope: EffectScope,
  { key, tool, input, argumentsHash, reason, options }: AskApprovalOptions,
): Promise<{ value: ApprovalDecision; replayed: boolean }> {
  const { events } = scope.run.runtime;
  const prompt = (options.prompt ?? defaultApprovalPrompt)({ tool, arguments: input });
  const timeoutMs = options.timeoutMs ?? approvalDefaults.timeoutMs;
  const validForMs = options.validForMs ?? approvalDefaults.validForMs;
  return durableWait<ApprovalDecision>(scope, {
    key,
    prompt,
    name: 'approval',
    input: {
      tool,
      arguments: capJournalValue(input, {
        maxBytes: scope.run.maxJournalValueBytes,
        redactor: scope.run.runtime.redactor,
      }),
    },
    meta: {
      argumentsHash,
      replySchema: approvalReplySchema(argumentsHash),
      // A question of the developer's own is kept for whoever answers from the store later
      // (`agentchart waits`, `show`, the studio), which reads the tool and arguments from the
      // input; redacted as the input is, since it quotes the arguments.
      ...(options.prompt === undefined
        ? {}
        : {
            question: scope.run.runtime.redactor.value(headOf(prompt, maxQuestionCharacters)),
          }),
    },
    approval: { tool, arguments: input, argumentsHash },
    timeoutMs,
    replies: {
      accept(value) {
        const parsed = approvalReply.safeParse(value);
        if (!parsed.success) {
          throw new RunError('human.invalid_reply', {
            message: `The reply to the approval of "${tool}" is not { approved: boolean, reason?: string } (${describeIssues(parsed.error.issues)}); the wait stays open. Reply { approved: true } or { approved: false, reason }.`,
            issues: parsed.error.issues,
            details: { waitId: key, value },
          });
        }
        const reply = parsed.data;
        if (reply.argumentsHash !== undefined && reply.argumentsHash !== argumentsHash) {
          throw new RunError('human.invalid_reply', {
            message: `The reply approves arguments with hash ${reply.argumentsHash}, but this wait asks about "${tool}" with hash ${argumentsHash}: the person was shown other arguments. The wait stays open; show the pending wait's approval.arguments and reply again.`,
            details: { waitId: key, expected: argumentsHash, received: reply.argumentsHash },
          });
        }
        const decidedAt = scope.run.clock.now();
        return {
          approved: reply.approved,
          ...(reply.reason === undefined ? {} : { reason: reply.reason }),
          tool,
          argumentsHash,
          decidedAt,
          expiresAt: decidedAt + validForMs,
        };
      },
      timeoutError: (deadline) =>
        new RunError('approval.expired', {
          message: `Nobody approved the call of "${tool}" by its deadline (${new Date(deadline).toISOString()}); it did not run. Ask again, or give approvals a longer timeoutMs.`,
          details: { tool, argumentsHash, deadline },
        }),
      onOpen: () => {
        const replyTo = replyTargetOf(scope.threadId, key);
        events.emit('approval.request', scope.threadId, {
          site: scope.site,
          waitId: key,
          tool,
          argumentsHash,
          reason,
          ...(replyTo ? { replyTo } : {}),
        });
      },
      onReply: (decision) =>
        events.emit('approval.decision', scope.threadId, {
          site: scope.site,
          waitId: key,
          tool,
          approved: decision.approved,
        }),
    },
  });
}

/** The failure of a call a person rejected. */
export function rejectedError(decision: ApprovalDecision): RunError {
  return new RunError('approval.rejected', {
    message: `A person rejected the call of "${decision.tool}"${decision.reason ? `: ${decision.reason}` : ''}. It did not run.`,
    details: {
      tool: decision.tool,
      argumentsHash: decision.argumentsHash,
      ...(decision.reason === undefined ? {} : { reason: decision.reason }),
    },
  });
}
