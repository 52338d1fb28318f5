import type { ChatModel } from '../model/types';

/**
 * The name each of an agent's models is cached under (`requestCacheKey`'s model): its
 * endpoint, unless a different model object of the agent claims the same endpoint, as two
 * `scriptedModel`s with the default name do. Then every one after the first, in the order
 * the agent's aliases and fallback chains list them, gets `<endpoint>#<n>`: keyed by the
 * endpoint alone, a cascade's strong tier would be served its cheap tier's stored answer for
 * the same request, and report it as its own. The same object under several aliases keeps one
 * name, and the order is the agent's definition, so a durable cache's keys are the same in
 * every process.
 */
export function cacheIdentities(
  chains: ReadonlyMap<string, readonly ChatModel[]>,
): (model: ChatModel) => string {
  const identities = new Map<ChatModel, string>();
  const claims = new Map<string, number>();
  for (const chain of chains.values()) {
    for (const model of chain) {
      if (identities.has(model)) continue;
      const earlier = claims.get(model.endpoint) ?? 0;
      claims.set(model.endpoint, earlier + 1);
      identities.set(model, earlier === 0 ? model.endpoint : `${model.endpoint}#${earlier}`);
    }
  }
  return (model) => identities.get(model) ?? model.endpoint;
}
