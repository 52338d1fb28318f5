import { addUsd } from '../cost/usd';
import type { RecordedModelCall } from './recorded-model-call';
import type { JournalEntry, RunUsage } from './types';

/** Usage of a run that has done nothing yet. */
export function emptyUsage(): RunUsage {
  return { inputTokens: 0, outputTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0, steps: 0 };
}

/**
 * Adds what one journal record consumed to `usage`. `previous` is the status the same key
 * had before this record (undefined for its first record), so a key is counted once however
 * many records it goes through: a tool when it is first recorded (started, or completed for a
 * pure tool that writes no intent), a model call and a child agent when they complete.
 * The same function runs live, as each record is written, and on restore over the journal.
 */
export function addRecordUsage(
  usage: RunUsage,
  entry: JournalEntry,
  previous?: JournalEntry['status'],
): void {
  if (entry.kind === 'tool') {
    if (previous === undefined) usage.toolCalls++;
    return;
  }
  if (entry.status !== 'completed' || previous === 'completed') return;
  if (entry.kind === 'llm') {
    const call = entry.output as Partial<RecordedModelCall> | undefined;
    if (!call || call.cached) return;
    usage.modelCalls++;
    usage.inputTokens += call.response?.usage?.inputTokens ?? 0;
    usage.outputTokens += call.response?.usage?.outputTokens ?? 0;
    usage.costUsd = addUsd(usage.costUsd, call.costUsd ?? 0);
  } else if (entry.kind === 'agent') {
    const child = (entry.output as { usage?: Partial<RunUsage> } | undefined)?.usage;
    if (child) addChildUsage(usage, child);
  }
}

/**
 * Adds a child agent's usage to its parent's `usage`: its model and tool calls, tokens and
 * cost. Not its steps: a run's steps are its own chart's macrosteps.
 */
export function addChildUsage(usage: RunUsage, child: Readonly<Partial<RunUsage>>): void {
  usage.modelCalls += child.modelCalls ?? 0;
  usage.inputTokens += child.inputTokens ?? 0;
  usage.outputTokens += child.outputTokens ?? 0;
  usage.costUsd = addUsd(usage.costUsd, child.costUsd ?? 0);
  usage.toolCalls += child.toolCalls ?? 0;
}

/**
 * A thread's usage folded from its journal, on top of `base` (usage the journal does not
 * show, e.g. a fork's parent's) and with the macrosteps of its checkpoint (steps are not
 * effects). Resuming from this, not from the checkpoint's own figures, counts an effect that
 * finished after the last checkpoint exactly once.
 */
export function usageFromJournal(
  entries: readonly JournalEntry[],
  { base, steps }: { base?: RunUsage | undefined; steps: number },
): RunUsage {
  const usage = { ...emptyUsage(), ...base, steps };
  for (const entry of entries) addRecordUsage(usage, entry);
  return usage;
}
