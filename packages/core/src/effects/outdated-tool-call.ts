import type { z } from 'zod';
import { describeIssues, maxListedIssues } from '../errors/describe-issues';
import { RunError } from '../errors/run-error';
import { sameJournaledInput } from '../ledger/journaled-input';
import type { AnyTool } from '../tools/types';
import type { EffectScope } from './effect-scope';
import { executeTool } from './execute-tool';
import { answersWithoutRunning, recordedOnly } from './recorded-calls';

/**
 * What a `toolCall` restored after a deploy does when its recorded input no longer fits the
 * tool's changed input schema, if the journal shows the call was made before the deploy:
 * - run (its result, or its error, recorded; or an `unsafe` call left unfinished): `ran` gives
 *   back what the journal holds (or the tool's `reconcile` says), and nothing runs again —
 *   told "nothing was executed", the chart would take its error path after the tool acted;
 * - asked for approval, or started and safe to run again: `error`, a `tool.invalid_arguments`
 *   that says the schema changed since the call was made, not that the chart's input is wrong.
 *
 * Either way an `agent.warning` (`restore.tool_call_outdated`) names it, as for a tool loop.
 * Undefined when the journal has no record of the call: the input is the chart's to fix.
 */
export async function outdatedToolCall(
  scope: EffectScope,
  tool: AnyTool,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
): Promise<{ ran?: () => Promise<unknown>; error: RunError } | undefined> {
  const key = scope.peekKey(`tool:${tool.name}`);
  const [call, approval] = await Promise.all([
    scope.readJournal(key),
    scope.readJournal(`${key}/approval`),
  ]);
  const made = call?.kind === 'tool' && sameJournaledInput(call.input, input) ? call : undefined;
  if (made === undefined && approval?.kind !== 'human') return undefined;
  const unfit = `its arguments ${JSON.stringify(input)} no longer fit the tool's input schema (${describeIssues(issues, maxListedIssues)})`;
  const advice =
    "Keep the tool's input schema accepting such arguments until the threads started before the deploy have finished.";
  const error = new RunError('tool.invalid_arguments', {
    message: `Thread "${scope.threadId}": the call of tool "${tool.name}" was ${made ? 'made' : 'asked to be approved'} before this deploy (journal key "${made ? key : `${key}/approval`}"), but ${unfit}; nothing was executed by this deploy. ${advice}`,
    issues: [...issues],
    details: { tool: tool.name, input, key },
  });
  const ran = made !== undefined && answersWithoutRunning(made.status, tool.effect);
  scope.run.runtime.events.warn(
    scope.threadId,
    'restore.tool_call_outdated',
    ran
      ? `Thread "${scope.threadId}": the call of tool "${tool.name}" was run before this deploy (journal key "${key}"), but ${unfit}. The chart is given its recorded result and the tool does not run again. ${advice}`
      : error.message,
  );
  if (!ran) return { error };
  scope.nextKey(`tool:${tool.name}`);
  return {
    error,
    ran: () => executeTool(scope, recordedOnly(tool, error.message), input, { key }),
  };
}
