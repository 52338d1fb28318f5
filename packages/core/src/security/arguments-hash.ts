import { hash } from 'node:crypto';
import { canonicalJson } from '../cache/canonical-json';

/**
 * What an approval is bound to: SHA-256 (hex) of the tool's name and its arguments as
 * canonical JSON (keys sorted, `undefined` left out), so `{a, b}` and `{b, a}` are the same
 * call and any changed value is another one.
 */
export function argumentsHash(tool: string, args: unknown): string {
  return hash('sha256', canonicalJson({ tool, arguments: args ?? null }), 'hex');
}
