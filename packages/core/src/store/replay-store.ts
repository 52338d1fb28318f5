import type { JournalEntry } from '../ledger/types';
import { MemoryCheckpointer } from './memory-checkpointer';

/**
 * The store a replay runs on: the recorded thread's journal, read-only, and checkpoints kept
 * in memory, so a replay never writes to the real store.
 */
export class ReplayStore extends MemoryCheckpointer {
  readonly #entries: ReadonlyMap<string, JournalEntry>;

  constructor(entries: readonly JournalEntry[]) {
    super();
    this.#entries = new Map(entries.map((entry) => [entry.key, entry]));
  }

  override async getEffect(_threadId: string, key: string): Promise<JournalEntry | undefined> {
    const entry = this.#entries.get(key);
    return entry && structuredClone(entry);
  }

  /** A replay records nothing: the journal stays the recording. */
  override async putEffect(): Promise<void> {}

  override async listEffects(): Promise<JournalEntry[]> {
    return structuredClone([...this.#entries.values()]);
  }
}
