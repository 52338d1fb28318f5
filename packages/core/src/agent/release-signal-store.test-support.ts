import { MemoryCheckpointer } from '../store/memory-checkpointer';

/**
 * For tests: an in-memory store that says when a run first gave up its lease, as a waiting
 * run leaving memory does.
 */
export class ReleaseSignalStore extends MemoryCheckpointer {
  #signal: () => void = () => undefined;
  /** Resolves once a lease was given up. */
  readonly released = new Promise<void>((resolve) => {
    this.#signal = resolve;
  });
  override async releaseLease(threadId: string, owner: string): Promise<void> {
    await super.releaseLease(threadId, owner);
    this.#signal();
  }
}
