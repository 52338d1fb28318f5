/** Where each agent (its runtime) was warned already: a few places per code, kept while it lives. */
const warned = new WeakMap<object, Set<string>>();
const maxWarnedPlaces = 100;

/**
 * True the first time `agent` asks about `code` at `place`. For warnings about the chart's own
 * code (a value it puts in the context, a child it spawns without an id, a plain actor a
 * restore starts again): every run of the agent meets the same line, and one warning per place
 * is enough — not one per run, which a server prints at every request, or a restart after a
 * crash once per thread it takes back.
 */
export function firstWarning(agent: object, code: string, place: string): boolean {
  let places = warned.get(agent);
  if (!places) {
    places = new Set();
    warned.set(agent, places);
  }
  const key = `${code} ${place}`;
  if (places.has(key) || places.size >= maxWarnedPlaces) return false;
  places.add(key);
  return true;
}
