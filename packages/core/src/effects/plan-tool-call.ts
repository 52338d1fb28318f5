import type { z } from 'zod';
import { describeIssues, maxListedIssues } from '../errors/describe-issues';
import { maxSentValueDepth, nestsDeeperThan } from '../ledger/json-depth';
import type { ToolCallRequest } from '../model/types';
import { nullAsAbsent } from '../output/null-as-absent';
import { parseNow } from '../output/parse-now';
import type { AnyTool } from '../tools/types';

/** A tool call the model made, checked before anything runs. */
export type PlannedCall =
  | {
      kind: 'valid';
      call: ToolCallRequest;
      tool: AnyTool;
      input: unknown;
      /**
       * Set for a call whose arguments no longer fit its tool's input schema but which an
       * earlier deploy ran, under this journal key (see `keepRecordedCalls`): it is answered
       * from its record, or with `message` if it does not get that key.
       */
      recorded?: { key: string; message: string };
    }
  | {
      kind: 'invalid';
      call: ToolCallRequest;
      message: string;
      issues?: z.core.$ZodIssue[];
      /** For arguments that are JSON but do not fit the schema: the tool and the arguments. */
      unfit?: { tool: AnyTool; arguments: unknown };
    }
  /** An `unsafe` call that repeats `firstId`'s tool and arguments in the same answer: not run. */
  | { kind: 'repeat'; call: ToolCallRequest; firstId: string };

/**
 * Checks one tool call of the model: a tool of this step (`allowed`), JSON arguments, valid
 * against the tool's input schema — a `null` written for an optional key that takes none read
 * as the key left out. An invalid call goes back to the model with a message saying how to
 * fix it; nothing runs.
 */
export function planToolCall(
  call: ToolCallRequest,
  tools: ReadonlyMap<string, AnyTool>,
  allowed: ReadonlySet<string>,
): PlannedCall {
  const tool = tools.get(call.name);
  if (!tool || !allowed.has(call.name)) {
    const available = [...allowed].join(', ') || 'none';
    return {
      kind: 'invalid',
      call,
      message: tool
        ? `Tool "${call.name}" is not allowed at this step; nothing was run. Tools you may call now: ${available}.`
        : `Unknown tool "${call.name}". Available tools: ${available}.`,
    };
  }
  let raw: unknown;
  try {
    raw = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch (error) {
    return {
      kind: 'invalid',
      call,
      message: `Arguments for "${call.name}" are not valid JSON (${(error as Error).message}). Send a JSON object.`,
    };
  }
  // Two characters make a level, so short arguments are not walked. Deeper ones would pass a
  // loose schema and then overflow the stack as the call is journaled or checkpointed.
  if (call.arguments.length > 2 * maxSentValueDepth && nestsDeeperThan(raw, maxSentValueDepth)) {
    return {
      kind: 'invalid',
      call,
      message: `Arguments for "${call.name}" nest arrays or objects more than ${maxSentValueDepth} levels deep; nothing was run. Call it again with flatter arguments.`,
    };
  }
  const what = `tool "${tool.name}"'s input schema`;
  let parsed = parseNow(tool.input, raw, what);
  if (!parsed.success) {
    // Models often write null for an optional argument they leave unset; where the schema
    // takes no null there, it means absent. Tried only when the arguments failed as written:
    // a call that parses is parsed once, and no value that parses is changed.
    const withoutNulls = nullAsAbsent(tool.input, raw);
    if (withoutNulls !== raw) parsed = parseNow(tool.input, withoutNulls, what);
  }
  if (!parsed.success) {
    const detail = describeIssues(parsed.error.issues, maxListedIssues);
    return {
      kind: 'invalid',
      call,
      message: `Invalid arguments for "${call.name}": ${detail}. Call it again with arguments that match its schema.`,
      issues: parsed.error.issues,
      unfit: { tool, arguments: raw },
    };
  }
  return { kind: 'valid', call, tool, input: parsed.data };
}

/**
 * The `callId` of an invalid call in its `tool.call.invalid` event: an id in the effect's
 * journal-key space, like every other tool event's, though nothing is journaled under it.
 * It takes no step (the model's next calls keep the keys a resume expects) and names the
 * call's place in the answer, so two invalid calls of one answer never share it.
 */
export function invalidCallId(
  scope: { peekKey(label: string): string },
  tool: string,
  index: number,
): string {
  return scope.peekKey(`invalid:${index}:tool:${tool}`);
}
