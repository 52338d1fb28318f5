import { replies } from '../testing/replies';
import type { RecordedRequest, ReplyHandler, ScriptedReply } from '../testing/types';
import { drawFor } from './seeded-random';

/** The transient faults of the burst, served at once as a failing server does. */
export type BurstFault = '503' | '429' | 'reset';

/** Options of {@link burstScript}. */
export interface BurstScriptOptions {
  seed: number;
  /** The share of requests that fail, each independently. */
  faultRate: number;
}

/** A scripted server for many concurrent runs, each asking about `Tender <n>`. */
export interface BurstScript {
  /** The server's handler: replies by run and by that run's attempt. */
  handler: ReplyHandler;
  /** The fault the script serves to run `tender`'s `attempt`-th request (from 1), if any. */
  faultFor(tender: number, attempt: number): BurstFault | undefined;
  /** Faults served since the last {@link BurstScript.reset}. */
  readonly faultsServed: Record<BurstFault, number>;
  /** Forgets every run's attempt count, for the next policy layout. */
  reset(): void;
}

const faults: readonly BurstFault[] = ['503', '429', 'reset'];
const tenderPattern = /Tender (\d+)/;

function tenderOf(request: RecordedRequest): number {
  const messages = request.body?.messages ?? [];
  const text = JSON.stringify(messages.at(-1)?.content ?? '');
  const match = tenderPattern.exec(text);
  if (!match) throw new Error(`burst script: no "Tender <n>" in request ${request.rawBody}`);
  return Number(match[1]);
}

/**
 * Ordinary transient faults: each request fails with probability `faultRate`, as a 503, a 429
 * with `retry-after-ms: 100` or a connection reset, and fails at once, while answers take
 * 20–120 ms, as a generation does. Which request fails is decided by the run (`Tender <n>`
 * in the prompt) and its attempt number, from `seed`: the same runs meet the same faults
 * whatever order the requests arrive in, so a layout's outcome does not depend on timing.
 */
export function burstScript({ seed, faultRate }: BurstScriptOptions): BurstScript {
  const attempts = new Map<number, number>();
  const faultsServed: Record<BurstFault, number> = { '503': 0, '429': 0, reset: 0 };
  const faultFor = (tender: number, attempt: number): BurstFault | undefined => {
    if (drawFor(seed, tender, attempt, 1) >= faultRate) return undefined;
    return faults[Math.floor(drawFor(seed, tender, attempt, 2) * faults.length)];
  };
  const reply = (fault: BurstFault): ScriptedReply => {
    faultsServed[fault] += 1;
    if (fault === '503') return replies.serverError(503);
    if (fault === '429') return replies.rateLimited({ retryAfterMs: 100 });
    return replies.connectionReset();
  };
  return {
    faultFor,
    faultsServed,
    handler(request) {
      const tender = tenderOf(request);
      const attempt = (attempts.get(tender) ?? 0) + 1;
      attempts.set(tender, attempt);
      const fault = faultFor(tender, attempt);
      if (fault) return reply(fault);
      const delayMs = 20 + Math.floor(drawFor(seed, tender, attempt, 3) * 100);
      return { ...replies.json({ relevant: true, confidence: 0.9 }), delayMs };
    },
    reset() {
      attempts.clear();
      for (const fault of faults) faultsServed[fault] = 0;
    },
  };
}
