import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../store/checkpoint-error';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { AcquireLeaseOptions, Checkpointer } from '../store/types';
import { checkpointerConformance } from './checkpointer-conformance';

/** A store with the interface's required methods only, as an author's first store has. */
function requiredMethodsOnly(): Checkpointer {
  const store = new MemoryCheckpointer();
  return {
    latest: (threadId) => store.latest(threadId),
    get: (threadId, version) => store.get(threadId, version),
    save: (checkpoint) => store.save(checkpoint),
    list: (threadId) => store.list(threadId),
    getEffect: (threadId, key) => store.getEffect(threadId, key),
    putEffect: (entry, options) => store.putEffect(entry, options),
    listEffects: (threadId) => store.listEffects(threadId),
    acquireLease: (threadId, options) => store.acquireLease(threadId, options),
    renewLease: (threadId, options) => store.renewLease(threadId, options),
    releaseLease: (threadId, owner) => store.releaseLease(threadId, owner),
    getLease: (threadId) => store.getLease(threadId),
  };
}

describe('checkpointerConformance', () => {
  describe('on a store without the optional methods', () => {
    // Before: the cases of renewLeases, listDue, listThreads and prune failed with "the store
    // implements …", so a store the interface allows could not pass the suite.
    for (const { name, run } of checkpointerConformance({
      create: requiredMethodsOnly,
      runLog: false,
    })) {
      it(name, run);
    }
  });

  describe('failing a store', () => {
    /** A store written from the interface alone: its own messages, no check of lease options. */
    function ownWording(): Checkpointer {
      const store = requiredMethodsOnly();
      return {
        ...store,
        async save(checkpoint) {
          try {
            return await store.save(checkpoint);
          } catch {
            const { threadId } = checkpoint;
            throw new CheckpointError('checkpoint.conflict', threadId, `${threadId}: conflict`);
          }
        },
        async acquireLease(threadId, options: AcquireLeaseOptions) {
          if (options.owner === '') return { threadId, owner: '', expiresAt: 0 };
          return store.acquireLease(threadId, options);
        },
      };
    }

    const failureOf = async (name: string): Promise<string> => {
      const found = checkpointerConformance({ create: ownWording, runLog: false }).find((item) =>
        item.name.startsWith(name),
      );
      const error = await found!.run().then(
        () => undefined,
        (thrown: unknown) => thrown as Error,
      );
      return error?.message ?? 'the case passed';
    };

    // Before: "The input did not match the regular expression /is at checkpoint 2\b/" and
    // "a lease with … resolved", and nothing of where the messages every store shares are.
    it('says how to make the message the suite expects', async () => {
      const message = await failureOf('refuses a stale or skipped version');
      expect(message).toContain('"conformance-');
      expect(message).toMatch(/does not match \/is at checkpoint 2\\b\//);
      expect(message).toContain('conflictMessage(threadId, currentVersion, checkpoint.version)');
      expect(message).toContain('@agentchart/core/internal');
    });

    it('names the helper that refuses lease options no store can honour', async () => {
      const message = await failureOf('refuses a lease without an owner');
      expect(message).toContain('should have been refused');
      expect(message).toContain("assertLeaseOptions('acquireLease'");
    });
  });
});
