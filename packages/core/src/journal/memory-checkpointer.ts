import { CheckpointError } from './checkpoint-error';
import { conflictMessage, fencedMessage } from './conflict-messages';
import type {
  Checkpoint,
  Checkpointer,
  CheckpointSummary,
  CheckpointWriteResult,
  JournalEntry,
  PutEffectOptions,
} from './types';

/**
 * Checkpoints and journal in process memory: fast, and gone with the process. For tests
 * and throwaway runs; values are copied in and out so callers cannot mutate stored state.
 * It keeps every checkpoint in full: use the SQLite store to measure what a run writes.
 */
export class MemoryCheckpointer implements Checkpointer {
  readonly #checkpoints = new Map<string, Checkpoint[]>();
  readonly #effects = new Map<string, Map<string, JournalEntry>>();

  async latest(threadId: string): Promise<Checkpoint | undefined> {
    const list = this.#checkpoints.get(threadId);
    const last = list?.[list.length - 1];
    return last && structuredClone(last);
  }

  async get(threadId: string, version: number): Promise<Checkpoint | undefined> {
    const found = this.#checkpoints.get(threadId)?.find((item) => item.version === version);
    return found && structuredClone(found);
  }

  async save(checkpoint: Checkpoint): Promise<CheckpointWriteResult | undefined> {
    const list = this.#checkpoints.get(checkpoint.threadId) ?? [];
    const current = list[list.length - 1]?.version ?? 0;
    if (checkpoint.version !== current + 1) {
      throw new CheckpointError(
        'checkpoint.conflict',
        checkpoint.threadId,
        conflictMessage(checkpoint.threadId, current, checkpoint.version),
      );
    }
    const { recovered: _, ...stored } = checkpoint;
    list.push(structuredClone(stored));
    this.#checkpoints.set(checkpoint.threadId, list);
    return undefined;
  }

  async list(threadId: string): Promise<CheckpointSummary[]> {
    return (this.#checkpoints.get(threadId) ?? []).map((checkpoint) => ({
      threadId,
      version: checkpoint.version,
      machineVersion: checkpoint.machineVersion,
      status: checkpoint.run.status,
      createdAt: checkpoint.createdAt,
    }));
  }

  async getEffect(threadId: string, key: string): Promise<JournalEntry | undefined> {
    const entry = this.#effects.get(threadId)?.get(key);
    return entry && structuredClone(entry);
  }

  async putEffect(entry: JournalEntry, { owner }: PutEffectOptions = {}): Promise<void> {
    const head = this.#checkpoints.get(entry.threadId)?.at(-1);
    if (owner !== undefined && head?.owner !== undefined && head.owner !== owner) {
      throw new CheckpointError(
        'checkpoint.conflict',
        entry.threadId,
        fencedMessage(entry.threadId, entry.key, head.version),
      );
    }
    let entries = this.#effects.get(entry.threadId);
    if (!entries) {
      entries = new Map();
      this.#effects.set(entry.threadId, entries);
    }
    entries.set(entry.key, structuredClone(entry));
  }

  async listEffects(threadId: string): Promise<JournalEntry[]> {
    return structuredClone([...(this.#effects.get(threadId)?.values() ?? [])]);
  }
}
