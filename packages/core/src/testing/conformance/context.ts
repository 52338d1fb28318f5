import type { Checkpointer } from '../../store/types';

/** One case of the conformance suite: run it; it throws when the store does not conform. */
export interface ConformanceCase {
  name: string;
  run: () => Promise<void>;
}

/** What the cases get from the suite: stores, fresh thread ids, and the optional damage. */
export interface ConformanceContext {
  /** A thread id no other case uses. */
  threadId(label: string): string;
  /** Runs `body` with `count` stores on the same storage, then disposes of them. */
  withStores(count: number, body: (stores: Checkpointer[]) => Promise<void>): Promise<void>;
  corruptCheckpoint?: (store: Checkpointer, threadId: string, version: number) => Promise<void>;
}
