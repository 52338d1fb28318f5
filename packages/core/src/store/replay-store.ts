import type { JournalEntry } from '../ledger/types';
import { MemoryCheckpointer } from './memory-checkpointer';
import type { AcquireLeaseOptions, LeaseToRenew, ThreadLease } from './types';

/**
 * The store a replay runs on: the recorded thread's journal, read-only, and checkpoints kept
 * in memory, so a replay never writes to the real store. It grants any lease: a replay runs
 * offline, so it never contends with the live run that may own the recorded thread.
 */
export class ReplayStore extends MemoryCheckpointer {
  readonly #entries: ReadonlyMap<string, JournalEntry>;
  readonly #read = new Set<string>();

  constructor(entries: readonly JournalEntry[]) {
    super();
    this.#entries = new Map(entries.map((entry) => [entry.key, entry]));
  }

  override async getEffect(_threadId: string, key: string): Promise<JournalEntry | undefined> {
    this.#read.add(key);
    const entry = this.#entries.get(key);
    return entry && structuredClone(entry);
  }

  /** The recorded entry under `key`, not counted as read (see {@link unread}); not a copy. */
  recorded(key: string): JournalEntry | undefined {
    return this.#entries.get(key);
  }

  /** A replay records nothing: the journal stays the recording. */
  override async putEffect(): Promise<void> {}

  override async acquireLease(
    threadId: string,
    { owner, ttlMs, now }: AcquireLeaseOptions,
  ): Promise<ThreadLease> {
    return { threadId, owner, expiresAt: now + ttlMs };
  }

  override async renewLease(): Promise<boolean> {
    return true;
  }

  override async renewLeases(leases: readonly LeaseToRenew[]): Promise<string[]> {
    return leases.map(({ threadId }) => threadId);
  }

  override async releaseLease(): Promise<void> {}

  override async getLease(): Promise<ThreadLease | undefined> {
    return undefined;
  }

  /** The recorded steps the replay never asked for, in journal order. */
  unread(): JournalEntry[] {
    return [...this.#entries.values()].filter((entry) => !this.#read.has(entry.key));
  }

  override async listEffects(): Promise<JournalEntry[]> {
    return structuredClone([...this.#entries.values()]);
  }
}
