/**
 * Leases ended runs of an agent could not give up (the disk was full, say), by thread: their
 * owners, until the lease would have run out anyway. A restore in this process gives such a
 * lease up first — its run is known to be gone. Past its time an entry is of no use, and is
 * dropped when the next is added: under a store that keeps failing to release, the map holds
 * only the leases of one lease time, not one for every run the process ever ended.
 */
export class StrandedLeases {
  /** In the order they were added, the one that runs out first first. */
  readonly #byThread = new Map<string, { owner: string; until: number }>();

  /** Threads held now. */
  get size(): number {
    return this.#byThread.size;
  }

  /** Remembers that `owner` could not give up its lease of `threadId`, which lasts until `until`. */
  add(threadId: string, owner: string, until: number, now: number): void {
    for (const [id, entry] of this.#byThread) {
      if (entry.until > now) break;
      this.#byThread.delete(id);
    }
    this.#byThread.delete(threadId);
    this.#byThread.set(threadId, { owner, until });
  }

  /** The owner of `threadId`'s stranded lease, while it may still be held. */
  ownerOf(threadId: string, now: number): string | undefined {
    const entry = this.#byThread.get(threadId);
    return entry !== undefined && entry.until > now ? entry.owner : undefined;
  }

  /** Forgets `threadId`'s stranded lease (given up). */
  delete(threadId: string): void {
    this.#byThread.delete(threadId);
  }
}
