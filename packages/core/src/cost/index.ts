/**
 * @module @agentchart/core/cost
 * What model calls cost: prices, the cost ledger queried per run, tenant and model, and
 * per-tenant quotas across runs. The ledger's and the quota's interfaces and `PriceTable`,
 * which `createAgent`'s options and the stores reach, are exported from the root (ADR 0099).
 */

export { createTenantQuota, type TenantQuotaOptions } from '../tenancy/create-tenant-quota';
export { MemoryQuotaStore } from '../tenancy/memory-quota-store';
export type { QuotaStore } from '../tenancy/types';
export { costOfUsage } from './cost-of-usage';
export { MemoryCostLedger } from './memory-cost-ledger';
export { resolvePricing } from './resolve-pricing';
export { addUsd, roundUsd } from './usd';
