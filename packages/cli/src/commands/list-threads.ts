import type { Checkpointer, RunStatus, StoredThread } from '@agentchart/core';
import { CliError } from '../cli-error';

/** A store that can list its threads (the SQLite and PostgreSQL stores can). */
interface ListingStore {
  listThreads(options?: { status?: RunStatus }): Promise<StoredThread[]>;
}

/** The store's threads (in `status`), least recently updated first. */
export async function listThreads(
  checkpointer: Checkpointer,
  status?: RunStatus,
): Promise<StoredThread[]> {
  const listing = checkpointer as Checkpointer & Partial<ListingStore>;
  if (typeof listing.listThreads !== 'function') {
    throw new CliError(
      'cli.store_failed',
      'This run database cannot list its threads. Use an SQLite file or a PostgreSQL database.',
    );
  }
  return listing.listThreads(status === undefined ? {} : { status });
}

/**
 * Whether a thread's owner is gone: it is stored `running`, and no live lease holds it (its
 * lease expired or was never taken). Such a thread continues only when someone resumes it.
 */
export async function ownerIsGone(
  checkpointer: Checkpointer,
  threadId: string,
  now: number,
): Promise<{ gone: boolean; expiresAt?: number }> {
  const lease = await checkpointer.getLease?.(threadId);
  if (!lease) return { gone: true };
  return { gone: lease.expiresAt <= now, expiresAt: lease.expiresAt };
}
