import type { AnyStateMachine } from 'xstate';
import { effectSpecOf } from '../effects/create-effect-logic';

interface StateNodeLike {
  path: readonly string[];
  invoke: readonly { src: unknown; id: string }[];
  states: Record<string, StateNodeLike>;
}

/** Where a human wait was opened, as its journal entry records it. */
export interface WaitSite {
  /** The dotted path of the state that invoked it (the entry's `meta.state`). */
  state: string | null | undefined;
  /** The invoke id it runs under (the entry's `site`). */
  site: string;
}

/**
 * The reply schema a `humanWait` opened at `wait` checks replies with under `machine` as it is
 * now — which a deploy may have changed since the wait was opened and its journal entry
 * recorded the schema of its day. `{ schema: undefined }` when that wait takes any JSON value
 * (its schema has parts JSON Schema cannot express); undefined when `machine` has no
 * `humanWait` invoked there, so only the recorded schema can be told.
 */
export function currentReplySchema(
  machine: AnyStateMachine,
  wait: WaitSite,
): { schema: Record<string, unknown> | undefined } | undefined {
  if (typeof wait.state !== 'string') return undefined;
  let node = machine.root as unknown as StateNodeLike | undefined;
  for (const name of wait.state.split('.')) node = node?.states[name];
  const src = node?.invoke.find((invoke) => invoke.id === wait.site)?.src;
  if (src === undefined) return undefined;
  const actors = (machine.implementations.actors ?? {}) as Record<string, unknown>;
  const spec = effectSpecOf(typeof src === 'string' ? actors[src] : src);
  if (spec?.kind !== 'human-wait' || spec.blocksRest !== true) return undefined;
  return { schema: spec.replySchema };
}
