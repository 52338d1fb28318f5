import { hash } from 'node:crypto';
import { canonicalJson } from '../cache/canonical-json';

/**
 * A short hash of an effect's input (a tool's arguments), the same for the same value
 * whatever its keys' order: the run log's `input_hash`, to find repeated calls.
 */
export function inputHash(input: unknown): string {
  return hash('sha256', canonicalJson(input), 'hex').slice(0, 16);
}
