import type { ChatResponse } from '../model/types';

/** A response kept in the cache. */
export interface CacheEntry {
  response: ChatResponse;
  /** The model (endpoint) that answered. */
  model: string;
  storedAt: number;
  expiresAt: number;
  /**
   * The partition (the run's tenant) it was stored under, which its key is a hash of too: kept
   * beside the key so a tenant's entries can be found and deleted (`deletePartition`).
   */
  partition?: string;
}

/**
 * Where cached responses live. The in-memory store is for one process; a run database can
 * implement the same three calls over a table keyed by the request hash.
 */
export interface ResponseCacheStore {
  get(key: string): Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Deletes every entry stored under `partition` (a tenant's, for an erasure request) and
   * resolves with how many went. Optional.
   */
  deletePartition?(partition: string): Promise<number>;
}

/** How the cache has done so far. */
export interface CacheMetrics {
  hits: number;
  misses: number;
  /** Calls that did not use the cache: opted out, or a response that may not be cached. */
  bypassed: number;
  /** hits / (hits + misses); 0 before any lookup. */
  hitRate: number;
  /** Mean time to serve a hit (key, lookup, copy), in the cache's time unit (ms). */
  meanHitLatencyMs: number;
  maxHitLatencyMs: number;
}
