/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them: checked by `scripts/typecheck-exact-optional.ts` under that setting.
 */
import { it } from 'vitest';
import { type CompiledLangGraph, LangGraphError, langGraphActor } from './index';

it('takes undefined for the options of langGraphActor and LangGraphError', () => {
  langGraphActor({
    graph: {} as CompiledLangGraph,
    name: 'research',
    input: undefined,
    output: undefined,
    reply: undefined,
    prompt: undefined,
    recursionLimit: undefined,
  });
  new LangGraphError('graph.invalid_input', { message: 'x', cause: undefined, details: undefined });
});
