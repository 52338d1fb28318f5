import { callSignature } from './call-signature';
import type { PlannedCall } from './plan-tool-call';

/**
 * An answer's planned calls with every `unsafe` call that repeats an earlier one of the same
 * answer — the same tool, the same arguments (by {@link callSignature}, or the text the model
 * wrote where JSON cannot tell them apart) — made a `repeat` of it. Models write the same call
 * twice in one answer by mistake: the same payment twice, at once. A repeat is not run, takes
 * no journal key (a resume plans the same keys), and is neither a call made nor a repeat the
 * loop counts; the model is told it may call again in its next answer (see ADR 0063).
 */
export function markRepeatedUnsafeCalls(planned: readonly PlannedCall[]): PlannedCall[] {
  const first = new Map<string, string>();
  return planned.map((call) => {
    if (call.kind !== 'valid' || call.tool.effect !== 'unsafe') return call;
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
