import type { ToolCallRequest } from '../model/types';

/**
 * The answer's tool calls with an id each of their own. A model that gives two calls one id
 * (some open models number their calls per answer, some repeat them) would otherwise get two
 * results under that id, which OpenAI-compatible servers refuse with a 400 — the run failing
 * one request later. A repeated id becomes `<id>_2`, `<id>_3`…, in call order, so the same
 * answer (from the journal, on a resume) gets the same ids. Answers without a repeat are
 * returned as they are.
 */
export function distinctCallIds(calls: readonly ToolCallRequest[]): readonly ToolCallRequest[] {
  // One call (most answers) cannot repeat an id: no set to build.
  if (calls.length < 2) return calls;
  const ids = new Set(calls.map((call) => call.id));
  if (ids.size === calls.length) return calls;
  const seen = new Set<string>();
  return calls.map((call) => {
    if (!seen.has(call.id)) {
      seen.add(call.id);
      return call;
    }
    let copy = 2;
    while (ids.has(`${call.id}_${copy}`) || seen.has(`${call.id}_${copy}`)) copy++;
    const id = `${call.id}_${copy}`;
    seen.add(id);
    return { ...call, id };
  });
}
