/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them: checked by `scripts/typecheck-exact-optional.ts` under that setting.
 */
import { createAgent } from '@agentchart/core';
import { it } from 'vitest';
import { setup } from 'xstate';
import { instrumentAgent } from './index';

it('takes undefined for the options of instrumentAgent', () => {
  const machine = setup({}).createMachine({ id: 'm', initial: 'a', states: { a: {} } });
  instrumentAgent(createAgent({ machine }), {
    tracerProvider: undefined,
    meterProvider: undefined,
    captureContent: undefined,
  });
});
