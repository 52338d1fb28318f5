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

/** What a run keeps beside XState's snapshot so it can resume exactly. */
export interface RunState {
  status: RunStatus;
  input: unknown;
  startedAt: number;
  /**
   * How many effects each site has started: the next occurrence number. An effect the
   * snapshot shows running was the last one started at its site, so on resume it restarts
   * as occurrence `n - 1` under the same key.
   */
  occurrences: Record<string, number>;
  usage: RunUsage;
}

/** Where a run is. */
export type RunStatus = 'running' | 'waiting' | 'done' | 'failed' | 'limit' | 'stopped';

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

/** One stored checkpoint of a thread. */
export interface Checkpoint {
  threadId: string;
  /** 1, 2, 3 … per thread; a save must name the version it follows (compare-and-set). */
  version: number;
  /** Hash of the machine's definition the snapshot belongs to. */
  machineVersion: string;
  /** XState's persisted snapshot. */
  snapshot: unknown;
  run: RunState;
  createdAt: number;
}

/**
 * Storage of checkpoints and the effect journal. The in-memory store is for tests; durable
 * stores (SQLite, Postgres) implement the same interface.
 */
export interface Checkpointer {
  /** The newest checkpoint of a thread, if any. */
  latest(threadId: string): Promise<Checkpoint | undefined>;
  /**
   * Stores `checkpoint`; it must follow version `checkpoint.version - 1`, or the call fails
   * with a `checkpoint.conflict` error (another process advanced the thread).
   */
  save(checkpoint: Checkpoint): Promise<void>;
  /** Every checkpoint of a thread, oldest first. */
  list(threadId: string): Promise<Checkpoint[]>;
  getEffect(threadId: string, key: string): Promise<JournalEntry | undefined>;
  putEffect(entry: JournalEntry): Promise<void>;
  listEffects(threadId: string): Promise<JournalEntry[]>;
}
