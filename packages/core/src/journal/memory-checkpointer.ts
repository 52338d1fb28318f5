import { CheckpointError } from './checkpoint-error';
import type { Checkpoint, Checkpointer, JournalEntry } from './types';

/**
 * Checkpoints and journal in process memory: fast, and gone with the process. For tests
 * and throwaway runs; values are copied in and out so callers cannot mutate stored state.
 */
export class MemoryCheckpointer implements Checkpointer {
  readonly #checkpoints = new Map<string, Checkpoint[]>();
  readonly #effects = new Map<string, Map<string, JournalEntry>>();

  async latest(threadId: string): Promise<Checkpoint | undefined> {
    const list = this.#checkpoints.get(threadId);
    const last = list?.[list.length - 1];
    return last && structuredClone(last);
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    const list = this.#checkpoints.get(checkpoint.threadId) ?? [];
    const current = list[list.length - 1]?.version ?? 0;
    if (checkpoint.version !== current + 1) {
      throw new CheckpointError(
        'checkpoint.conflict',
        checkpoint.threadId,
        `Thread "${checkpoint.threadId}" is at checkpoint ${current}, but this run tried to write ${checkpoint.version}: another run advanced it. Reload the thread with agent.resume() before continuing.`,
      );
    }
    list.push(structuredClone(checkpoint));
    this.#checkpoints.set(checkpoint.threadId, list);
  }

  async list(threadId: string): Promise<Checkpoint[]> {
    return structuredClone(this.#checkpoints.get(threadId) ?? []);
  }

  async getEffect(threadId: string, key: string): Promise<JournalEntry | undefined> {
    const entry = this.#effects.get(threadId)?.get(key);
    return entry && structuredClone(entry);
  }

  async putEffect(entry: JournalEntry): Promise<void> {
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
