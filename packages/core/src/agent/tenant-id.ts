import { DefinitionError } from '../errors/definition-error';
import { describeValue } from '../errors/option-names';
import { idPreview, unstorableNameReason } from './thread-id';

/**
 * Refuses a tenant id a run could not be charged to: not a non-empty string, or one no store
 * could keep as it is (see {@link unstorableNameReason}). A service often takes the tenant
 * from its request; unchecked, such an id was refused by PostgreSQL only at the run's first
 * effect, leaving the thread stored `running` for ever.
 */
export function assertTenantId(method: string, tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${method}: a tenant id is a non-empty string, got ${describeValue(tenantId)}. Pass the tenant's id, or leave tenantId out for a run charged to no tenant.`,
    );
  }
  const why = unstorableNameReason(tenantId);
  if (why === undefined) return;
  throw new DefinitionError(
    'definition.invalid_option',
    `${method}: the tenant id ${idPreview(tenantId)} cannot name a tenant: ${why}. Use the tenant's key in your own records (letters, digits and punctuation), not text from a request as it came.`,
  );
}
