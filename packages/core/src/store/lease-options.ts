import { DefinitionError } from '../errors/definition-error';
import type { RenewLeaseOptions } from './types';

/**
 * Refuses lease options no store can honour. A lease ends at `now + ttlMs`; a released one
 * is stored as ending at 0, so a lease taken must end after that. Every store calls it first
 * in `acquireLease`, `renewLease` and `renewLeases` (`method` names the one in the message).
 *
 * @throws DefinitionError `definition.invalid_option` for an empty owner, a `ttlMs` that is
 * not a positive number, a `now` that is not a time, or an empty `takeOverFrom`.
 */
export function assertLeaseOptions(
  method: string,
  { owner, ttlMs, now, takeOverFrom }: RenewLeaseOptions & { takeOverFrom?: unknown },
): void {
  if (typeof owner !== 'string' || owner.length === 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${method}: owner must be a non-empty string (the run's token), got ${JSON.stringify(owner)}.`,
    );
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0 || !Number.isFinite(now) || now < 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${method}: ttlMs must be a positive number of milliseconds and now a time since the epoch, got ttlMs ${ttlMs} and now ${now}.`,
    );
  }
  if (takeOverFrom !== undefined && (typeof takeOverFrom !== 'string' || takeOverFrom === '')) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${method}: takeOverFrom must name the owner to take the thread from (a non-empty string), got ${JSON.stringify(takeOverFrom)}.`,
    );
  }
}
