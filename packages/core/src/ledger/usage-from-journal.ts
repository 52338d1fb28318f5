import { emptyUsage } from '../run/limits';
import type { JournalEntry, RunUsage } from '../store/types';

/** A model call as the journal records it (see EffectScope.callModel). */
interface RecordedModelCall {
  response?: { usage?: { inputTokens?: number; outputTokens?: number } };
  costUsd?: number;
  /** Served from the response cache: nothing was billed. */
  cached?: boolean;
}

/**
 * Adds what one journal entry consumed to `usage`: a completed model call, a tool run, or a
 * finished child agent (its result carries the child's usage).
 */
export function addEntryUsage(usage: RunUsage, entry: JournalEntry): void {
  if (entry.kind === 'llm' && entry.status === 'completed') {
    const call = (entry.output ?? {}) as RecordedModelCall;
    if (call.cached) return;
    usage.modelCalls++;
    usage.inputTokens += call.response?.usage?.inputTokens ?? 0;
    usage.outputTokens += call.response?.usage?.outputTokens ?? 0;
    usage.costUsd += call.costUsd ?? 0;
  } else if (entry.kind === 'tool') {
    usage.toolCalls++;
  } else if (entry.kind === 'agent' && entry.status === 'completed') {
    const child = (entry.output as { usage?: Partial<RunUsage> } | undefined)?.usage;
    usage.modelCalls += child?.modelCalls ?? 0;
    usage.inputTokens += child?.inputTokens ?? 0;
    usage.outputTokens += child?.outputTokens ?? 0;
    usage.costUsd += child?.costUsd ?? 0;
    usage.toolCalls += child?.toolCalls ?? 0;
  }
}

/**
 * A thread's usage recomputed from its journal, on top of `base` (usage the journal does not
 * show, e.g. a fork's parent's) and with the macrosteps of the checkpoint. Resuming from
 * this, not from the checkpoint's own figures, counts an effect finished after the last
 * checkpoint exactly once.
 */
export function usageFromJournal(
  entries: readonly JournalEntry[],
  { base, steps }: { base?: RunUsage; steps: number },
): RunUsage {
  const usage = { ...emptyUsage(), ...base, steps };
  for (const entry of entries) addEntryUsage(usage, entry);
  return usage;
}
