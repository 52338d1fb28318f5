import { describe, expect, expectTypeOf, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import type { ModelAliasesOf } from '../agent/model-aliases';
import { scriptedModel } from '../testing/scripted-model';
import { cascadeCall } from './cascade-call';
import { routeGenerateVerify } from './route-generate-verify';

const classify = () =>
  setup({
    actors: {
      classify: cascadeCall({
        models: ['small', 'strong'],
        schema: z.object({ relevant: z.boolean() }),
        prompt: (tender: string) => tender,
      }),
    },
  }).createMachine({
    id: 'aliases',
    initial: 'working',
    states: {
      working: { invoke: { src: 'classify', input: 'a tender', onDone: 'done' } },
      done: { type: 'final' },
    },
  });

const answer = () =>
  setup({
    actors: {
      answer: routeGenerateVerify({
        router: { model: 'router', prompt: (question: string) => question },
        routes: {
          legal: { models: ['small', 'strong'], prompt: (question: string) => question },
          general: { models: ['small'], prompt: (question: string) => question },
        },
        schema: z.object({ answer: z.string() }),
        verifier: { model: 'verifier', prompt: (question) => question },
      }),
    },
  }).createMachine({
    id: 'aliases',
    initial: 'working',
    states: {
      working: { invoke: { src: 'answer', input: 'a question', onDone: 'done' } },
      done: { type: 'final' },
    },
  });

describe('the model aliases of cascades', () => {
  // Before: a cascade's aliases were plain strings to the types, so leaving one out of
  // createAgent's models compiled and failed only when the agent was created.
  it('makes a cascadeCall alias missing from models a compile-time error too', () => {
    const machine = classify();
    expectTypeOf<ModelAliasesOf<typeof machine>>().toEqualTypeOf<'small' | 'strong'>();
    const model = scriptedModel();
    // @ts-expect-error: the cascade names "strong" as well.
    expect(() => createAgent({ machine, models: { small: model } })).toThrow(
      expect.objectContaining({ code: 'definition.model_not_provided' }),
    );
    expect(createAgent({ machine, models: { small: model, strong: model } }).name).toBe('aliases');
  });

  it('makes a routeGenerateVerify alias missing from models a compile-time error too', () => {
    const machine = answer();
    expectTypeOf<ModelAliasesOf<typeof machine>>().toEqualTypeOf<
      'router' | 'small' | 'strong' | 'verifier'
    >();
    const model = scriptedModel();
    const withoutVerifier = { router: model, small: model, strong: model };
    // @ts-expect-error: the verifier's model, "verifier", is missing.
    expect(() => createAgent({ machine, models: withoutVerifier })).toThrow(
      expect.objectContaining({ code: 'definition.model_not_provided' }),
    );
    const models = { ...withoutVerifier, verifier: model };
    expect(createAgent({ machine, models }).name).toBe('aliases');
  });
});
