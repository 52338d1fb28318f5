/**
 * @module @agentchart/core/cache
 * The exact response cache an agent can put in front of its model calls
 * (`createAgent({ cache: createResponseCache() })`), and its stores.
 */
export { type CacheableVerdict, cacheableResponse } from './cacheable-response';
export { createResponseCache, type ResponseCacheOptions } from './create-response-cache';
export {
  MemoryResponseCacheStore,
  type MemoryResponseCacheStoreOptions,
} from './memory-response-cache-store';
export { requestCacheKey } from './request-cache-key';
export {
  SqliteResponseCacheStore,
  type SqliteResponseCacheStoreOptions,
} from './sqlite-response-cache-store';
export type { CacheEntry, ResponseCacheStore } from './types';
