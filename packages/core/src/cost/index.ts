/**
 * @module @agentchart/core/cost
 * What model calls cost: prices, the cost ledger queried per run, tenant and model, and
 * per-tenant quotas across runs.
 */

export { createTenantQuota, type TenantQuotaOptions } from '../tenancy/create-tenant-quota';
export { MemoryQuotaStore } from '../tenancy/memory-quota-store';
export type {
  QuotaDecision,
  QuotaStore,
  TenantLimitName,
  TenantLimits,
  TenantQuota,
  TenantUsage,
} from '../tenancy/types';
export type {
  CostEntry,
  CostFilter,
  CostGroupKey,
  CostLedger,
  CostSummary,
} from './cost-ledger';
export { costOfUsage } from './cost-of-usage';
export { MemoryCostLedger } from './memory-cost-ledger';
export { type PriceTable, resolvePricing } from './resolve-pricing';
export { addUsd, roundUsd } from './usd';
