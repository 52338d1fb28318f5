import { type Clock, systemClock } from '../clock/clock';
import { checkOptionNames } from '../errors/option-names';
import { checkTenantLimits, checkTenantLimitsOption } from './check-tenant-limits';
import { MemoryQuotaStore } from './memory-quota-store';
import type {
  QuotaDecision,
  QuotaStore,
  TenantLimitName,
  TenantLimits,
  TenantQuota,
  TenantUsage,
} from './types';

/** Options of {@link createTenantQuota}. */
export interface TenantQuotaOptions {
  /** The same limits for every tenant, or a tenant's own (undefined: unlimited). */
  limits: TenantLimits | ((tenantId: string) => TenantLimits | undefined);
  /** Default: in memory. Share one store between processes for one quota across them. */
  store?: QuotaStore | undefined;
  clock?: Clock | undefined;
}

const minuteMs = 60_000;
const dayMs = 86_400_000;

interface Window {
  limit: TenantLimitName;
  kind: 'requests' | 'tokens';
  lengthMs: number;
}

const windows: readonly Window[] = [
  { limit: 'requestsPerMinute', kind: 'requests', lengthMs: minuteMs },
  { limit: 'requestsPerDay', kind: 'requests', lengthMs: dayMs },
  { limit: 'tokensPerMinute', kind: 'tokens', lengthMs: minuteMs },
  { limit: 'tokensPerDay', kind: 'tokens', lengthMs: dayMs },
];

/**
 * Per-tenant request and token limits per minute and per day, across every run of every
 * process that shares the store. Limits are whole numbers, 0 or more; a misspelt limit or
 * one that is not a number fails here (for a function of the tenant: when it answers),
 * never leaving a tenant unlimited. Admission adds first and checks after (rolling back when
 * over), so two processes admitting at once cannot both pass the last slot.
 *
 * Given to `createAgent({ quota })`, it is asked before each model call of a run started with
 * a `tenantId`. A call over a per-minute limit waits for the next minute while other calls
 * fill this one (a burst of the tenant's runs is paced, not ended); a call over a per-day
 * limit, or over a limit on its own, is refused with `run.limit_reached`: the chart's
 * `onError` for the call takes it when it has one (a conversation goes on, and its next
 * message is judged by the quota then), otherwise the run ends `limit` (ADR 0094).
 *
 * @example
 * ```ts
 * const quota = createTenantQuota({ limits: { requestsPerMinute: 60, tokensPerDay: 2_000_000 } });
 * const decision = await quota.admit('acme', { estimatedTokens: ledger.inputTokens });
 * if (!decision.allowed) console.warn(`${decision.limit}: ${decision.used} of ${decision.max} used`);
 * ```
 */
export function createTenantQuota(options: TenantQuotaOptions): TenantQuota {
  checkOptionNames('createTenantQuota', options, ['limits', 'store', 'clock']);
  const { limits, clock = systemClock, store = new MemoryQuotaStore({ clock }) } = options;
  checkTenantLimitsOption('createTenantQuota', limits);
  const limitsOf =
    typeof limits === 'function'
      ? (tenantId: string) => {
          const own = limits(tenantId);
          // A tenant's own limits are checked as they come: the function is the user's.
          if (own !== undefined) {
            checkTenantLimits('createTenantQuota', own, `limits("${tenantId}").`);
          }
          return own;
        }
      : () => limits;
  const keyOf = (tenantId: string, window: Window, now: number) => {
    const start = Math.floor(now / window.lengthMs) * window.lengthMs;
    return {
      key: `quota:${tenantId}:${window.limit}:${start}`,
      expiresAt: start + window.lengthMs,
    };
  };

  return {
    async admit(tenantId, { estimatedTokens }): Promise<QuotaDecision> {
      const tenantLimits = limitsOf(tenantId) ?? {};
      const now = clock.now();
      const charged: { key: string; amount: number; expiresAt: number }[] = [];
      for (const window of windows) {
        const max = tenantLimits[window.limit];
        if (max === undefined) continue;
        const amount = window.kind === 'requests' ? 1 : estimatedTokens;
        const { key, expiresAt } = keyOf(tenantId, window, now);
        const value = await store.increment(key, amount, expiresAt);
        charged.push({ key, amount, expiresAt });
        if (value > max) {
          for (const charge of charged)
            await store.increment(charge.key, -charge.amount, charge.expiresAt);
          return {
            allowed: false,
            limit: window.limit,
            used: value - amount,
            max,
            retryAfterMs: expiresAt - now,
          };
        }
      }
      return { allowed: true, admittedAt: now };
    },

    async settle(tenantId, { estimatedTokens, actualTokens, admittedAt }) {
      const tenantLimits = limitsOf(tenantId) ?? {};
      const now = clock.now();
      const difference = actualTokens - estimatedTokens;
      if (difference === 0) return;
      for (const window of windows) {
        if (window.kind !== 'tokens' || tenantLimits[window.limit] === undefined) continue;
        // The window the admission charged: a call that outlived it is corrected there (or
        // not at all once it has ended), never in the window current at its end.
        const { key, expiresAt } = keyOf(tenantId, window, admittedAt ?? now);
        if (expiresAt <= now) continue;
        await store.increment(key, difference, expiresAt);
      }
    },

    async usage(tenantId): Promise<TenantUsage> {
      const now = clock.now();
      const read = (limit: TenantLimitName) => {
        const window = windows.find((candidate) => candidate.limit === limit)!;
        return store.get(keyOf(tenantId, window, now).key);
      };
      return {
        requestsThisMinute: await read('requestsPerMinute'),
        requestsToday: await read('requestsPerDay'),
        tokensThisMinute: await read('tokensPerMinute'),
        tokensToday: await read('tokensPerDay'),
      };
    },
  };
}
