/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them: checked by `scripts/typecheck-exact-optional.ts` under that setting.
 */
import { it } from 'vitest';
import { tiktokenCounter } from './index';

it('takes undefined for the option tiktokenCounter does not use', async () => {
  await tiktokenCounter({ model: 'gpt-4o', encoding: undefined });
  await tiktokenCounter({ encoding: 'o200k_base', model: undefined });
});
