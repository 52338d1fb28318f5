/** Limits one tenant has across all its runs. Absent fields are unlimited. */
export interface TenantLimits {
  requestsPerMinute?: number | undefined;
  requestsPerDay?: number | undefined;
  /** Input and output tokens together. */
  tokensPerMinute?: number | undefined;
  tokensPerDay?: number | undefined;
}

/** The name of a tenant limit, as a run's `limit` outcome reports it. */
export type TenantLimitName = keyof TenantLimits;

/** Whether a tenant's next call may go. */
export type QuotaDecision =
  | {
      allowed: true;
      /**
       * When the call was counted, on the quota's clock: give it back to `settle`, so the
       * correction goes to the windows that were charged.
       */
      admittedAt?: number;
    }
  | {
      allowed: false;
      limit: TenantLimitName;
      /** What the tenant has used in the current window, this call excluded. */
      used: number;
      max: number;
      /** When the window resets, from now. */
      retryAfterMs: number;
    };

/**
 * What a tenant has used in the current windows. Only windows the tenant has a limit for are
 * counted (admission writes no counter it would never check), so a window without a limit
 * reads 0 whatever was used: a tenant limited per minute only has `requestsToday: 0`. Each
 * logical model call counts one request, its retries and fallbacks included: the provider
 * may count more.
 */
export interface TenantUsage {
  requestsThisMinute: number;
  requestsToday: number;
  tokensThisMinute: number;
  tokensToday: number;
}

/**
 * Counters that several processes can share (Redis `INCRBY` + `PEXPIREAT`, a Postgres row
 * updated in place): the quota only needs an atomic add that returns the new value.
 */
export interface QuotaStore {
  /** Adds `amount` (may be negative) to `key`, created at 0 and kept until `expiresAt`; returns the new value. */
  increment(key: string, amount: number, expiresAt: number): Promise<number>;
  /** The value of `key`, 0 when absent or expired. */
  get(key: string): Promise<number>;
}

/**
 * Per-tenant limits across runs, consulted by the runtime before each model call
 * ({@link TenantQuota.admit}) and corrected after it with the usage the provider reports
 * ({@link TenantQuota.settle}). Windows are fixed: the clock's minute and UTC day.
 */
export interface TenantQuota {
  /**
   * Counts one request and `estimatedTokens` against the tenant, unless that would cross a
   * limit: then nothing is counted and the decision names the limit.
   */
  admit(tenantId: string, options: { estimatedTokens: number }): Promise<QuotaDecision>;
  /** Corrects the tokens charged at admission with the call's real usage (0 for a call that failed or was answered from the cache). */
  settle(
    tenantId: string,
    options: {
      estimatedTokens: number;
      actualTokens: number;
      /**
       * The admission's `admittedAt`: the windows it charged are corrected, not those of the
       * call's end. A call admitted at 23:59:59 and settled after midnight would otherwise
       * take its over-estimate off the next day, below 0, and the tenant could go that far
       * over its limit. Default: now.
       */
      admittedAt?: number;
    },
  ): Promise<void>;
  /** What the tenant has used in the current windows it has a limit for; 0 in the others. */
  usage(tenantId: string): Promise<TenantUsage>;
}
