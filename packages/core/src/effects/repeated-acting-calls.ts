import { callSignature } from './call-signature';
import type { PlannedCall } from './plan-tool-call';

/**
 * An answer's planned calls with every call of a tool that acts (`unsafe` or `idempotent`)
 * that repeats an earlier one of the same answer — the same tool, the same arguments (by
 * {@link callSignature}, or the text the model wrote where JSON cannot tell them apart) — made
 * a `repeat` of it. Models write the same call twice in one answer by mistake: the same
 * payment twice, at once. An idempotent copy would act too: each call has an idempotency key
 * of its own, so the outside system cannot tell the copy from a second order. A repeat is not
 * run, takes no journal key (a resume plans the same keys), and is neither a call made nor a
 * repeat the loop counts; the model is told it may call again in its next answer (see ADRs
 * 0063 and 0078).
 */
export function markRepeatedActingCalls(planned: readonly PlannedCall[]): PlannedCall[] {
  const first = new Map<string, string>();
  return planned.map((call) => {
    if (call.kind !== 'valid' || call.tool.effect === 'pure') return call;
    const signature = signatureOf(call);
    const firstId = first.get(signature);
    if (firstId !== undefined) return { kind: 'repeat', call: call.call, firstId };
    first.set(signature, call.call.id);
    return call;
  });
}

/** A valid call's tool and arguments as one text: arguments JSON cannot tell apart by the text the model wrote. */
export function signatureOf(call: PlannedCall & { kind: 'valid' }): string {
  return callSignature(call.tool, call.input) ?? `${call.tool.name}:${call.call.arguments}`;
}
