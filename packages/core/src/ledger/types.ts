import type { SerializedError } from '../errors/agentchart-error';

/** What kind of effect a journal entry records. */
export type EffectKind = 'llm' | 'tool' | 'human' | 'agent';

/**
 * One effect in a thread's journal: intent recorded before it runs, result after. A
 * `started` entry found on resume means the process died while the effect ran.
 */
export interface JournalEntry {
  threadId: string;
  /** (effect site, occurrence, step within the effect): stable across crashes and resumes. */
  key: string;
  site: string;
  kind: EffectKind;
  effect: 'pure' | 'idempotent' | 'unsafe';
  /** What ran: a model alias, a tool name, a wait's prompt. */
  name: string;
  status: 'started' | 'completed' | 'failed';
  startedAt: number;
  finishedAt?: number;
  input?: unknown;
  output?: unknown;
  error?: SerializedError;
  /** Extra facts per kind: a human wait's deadline, a model call's usage. */
  meta?: Record<string, unknown>;
}

/** What a run has consumed so far. */
export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  modelCalls: number;
  toolCalls: number;
  /** Macrosteps the machine has taken. */
  steps: number;
}

/** What a journaled step is. */
export interface JournaledStep {
  kind: EffectKind;
  effect: JournalEntry['effect'];
  name: string;
  input?: unknown;
  meta?: Record<string, unknown>;
}
