import { hash } from 'node:crypto';
import { canonicalJson } from '../cache/canonical-json';

/**
 * A short hash of an effect's input (a tool's arguments), the same for the same value
 * whatever its keys' order: the run log's `input_hash`, to find repeated calls. `canonical` is
 * the input's canonical JSON when the caller has it already.
 */
export function inputHash(input: unknown, canonical: string = canonicalJson(input)): string {
  return hash('sha256', canonical, 'hex').slice(0, 16);
}
