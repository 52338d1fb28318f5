import { describeIssues, maxListedIssues } from '../errors/describe-issues';
import { RunError } from '../errors/run-error';
import { sameJournaledInput } from '../ledger/journaled-input';
import type { JournalEntry } from '../ledger/types';
import type { AnyTool } from '../tools/types';
import type { EffectScope } from './effect-scope';
import type { PlannedCall } from './plan-tool-call';

/**
 * Takes back, as run, the calls of a model's answer whose arguments no longer fit their
 * tool's input schema but which the journal shows were run: an answer recorded before a
 * deploy that changed the schema, read back by a resume. Told its call was invalid, the model
 * would call the tool again with new arguments, and an unsafe tool would act twice; its
 * recorded result is what happened, so it is what the model reads, and nothing runs. Such
 * a call is looked for where the earlier deploy journaled it: under the tool's label, at one
 * of the answer's next steps, with the same arguments. An `agent.warning`
 * (`restore.tool_call_outdated`) names each one kept so.
 */
export async function keepRecordedCalls(
  scope: EffectScope,
  planned: PlannedCall[],
): Promise<PlannedCall[]> {
  if (!planned.some((call) => call.kind === 'invalid' && call.unfit)) return planned;
  const kept: PlannedCall[] = [];
  const taken = new Set<string>();
  for (const call of planned) {
    const found =
      call.kind === 'invalid' && call.unfit
        ? await recordOf(scope, call, planned.length, taken)
        : undefined;
    if (!found || call.kind !== 'invalid' || !call.unfit) {
      kept.push(call);
      continue;
    }
    taken.add(found);
    const { tool, arguments: input } = call.unfit;
    scope.run.runtime.events.warn(
      scope.threadId,
      'restore.tool_call_outdated',
      `Thread "${scope.threadId}": the model's call of tool "${tool.name}" with ${JSON.stringify(input)} was run before this deploy (journal key "${found}"), but its arguments no longer fit the tool's input schema (${call.issues ? describeIssues(call.issues, maxListedIssues) : call.message}). The model is given its recorded result and the tool does not run again. Keep the tool's input schema accepting such arguments until the threads started before the deploy have finished.`,
    );
    kept.push({
      kind: 'valid',
      call: call.call,
      tool,
      input,
      recorded: { key: found, message: call.message },
    });
  }
  return kept;
}

/**
 * True when a record of the tool is answered without the tool running again: one that ended
 * (its result or its error), or an `unsafe` one left started (settled by the tool's
 * `reconcile`, or `effect.ambiguous`). Any other tool left started runs again on resume: with
 * arguments its schema refuses, it is not kept (the model is told they do not fit).
 */
export function answersWithoutRunning(
  status: JournalEntry['status'],
  effect: AnyTool['effect'],
): boolean {
  return status !== 'started' || effect === 'unsafe';
}

/**
 * A tool that runs a kept call only as its record says: answered from it, or settled by
 * `reconcile`. Should the record leave it to run (an unsafe call its `reconcile` says never
 * ran), it fails with `message` rather than giving the tool arguments its schema refuses.
 */
export function recordedOnly(tool: AnyTool, message: string): AnyTool {
  return {
    ...tool,
    execute: () =>
      Promise.reject(
        new RunError('tool.invalid_arguments', { message, details: { tool: tool.name } }),
      ),
  };
}

/** The key under which `call`'s tool was journaled with its very arguments, if it was. */
async function recordOf(
  scope: EffectScope,
  call: PlannedCall & { kind: 'invalid' },
  steps: number,
  taken: ReadonlySet<string>,
): Promise<string | undefined> {
  const { tool, arguments: input } = call.unfit!;
  // An answer's calls take at most one step each: its journaled calls are within these.
  for (let ahead = 0; ahead < steps; ahead++) {
    const key = scope.peekKey(`tool:${tool.name}`, ahead);
    if (taken.has(key)) continue;
    const entry = await scope.readJournal(key);
    if (entry === undefined) continue;
    if (
      entry.kind === 'tool' &&
      entry.name === tool.name &&
      sameJournaledInput(entry.input, input) &&
      answersWithoutRunning(entry.status, tool.effect)
    ) {
      return key;
    }
  }
  return undefined;
}
