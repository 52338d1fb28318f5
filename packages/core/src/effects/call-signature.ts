import { canonicalJson } from '../cache/canonical-json';
import type { AnyTool } from '../tools/types';

/**
 * A call's tool and arguments, as one text: two calls with the same are the same request (a
 * tool loop's repeated-call check; an idempotent call's retry, which reuses the key of the
 * call that timed out). None for arguments JSON cannot write as they are (a `Map` is written
 * `{}`): two different calls would share it, and the second reach the outside system under
 * the first's key, which drops it as a repeat.
 */
export function callSignature(tool: AnyTool, input: unknown): string | undefined {
  let lossy = false;
  const json = canonicalJson(input, {
    onLossy: () => {
      lossy = true;
    },
  });
  return lossy ? undefined : `${tool.name}:${json}`;
}
