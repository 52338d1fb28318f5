import { expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { structuredCall } from '../effects/structured-call';
import { toolCall } from '../effects/tool-call';
import { defineTool } from '../tools/define-tool';
import { runEffect } from './run-effect';
import { scriptedModel } from './scripted-model';

const weather = defineTool({
  name: 'weather',
  description: 'The temperature in a city.',
  effect: 'pure',
  input: z.object({ city: z.string() }),
  output: z.object({ temperature: z.number() }),
  execute: async () => ({ temperature: 21 }),
});

it("types the output and the input from the effect, as a chart's invoke does", async () => {
  const tool = await runEffect(toolCall(weather), { city: 'Ghent' });
  expectTypeOf(tool.output).toEqualTypeOf<{ temperature: number } | undefined>();

  const triage = structuredCall({
    model: 'fast',
    schema: z.object({ urgent: z.boolean() }),
    prompt: (ticket: string) => ticket,
  });
  const answer = await runEffect(triage, 'charged twice', { models: { fast: scriptedModel() } });
  expectTypeOf(answer.output).toEqualTypeOf<{ urgent: boolean } | undefined>();

  const approval = humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) });
  expectTypeOf((await runEffect(approval, undefined)).output).toEqualTypeOf<
    { ok: boolean } | undefined
  >();
});

it('refuses input the effect does not take', async () => {
  // @ts-expect-error the tool takes { city: string }
  await runEffect(toolCall(weather), { town: 'Ghent' });
  const triage = structuredCall({
    model: 'fast',
    schema: z.object({}),
    prompt: (ticket: string) => ticket,
  });
  // @ts-expect-error the call's prompt takes a string
  await runEffect(triage, 1);
});

it('requires the models the effect calls, as createAgent does', async () => {
  // Before: an effect's model aliases were not checked, so these compiled and failed only
  // when the minimal agent was created (`definition.model_not_provided`).
  const triage = structuredCall({
    model: 'fast',
    schema: z.object({ urgent: z.boolean() }),
    prompt: (ticket: string) => ticket,
  });
  const fast = scriptedModel();
  // @ts-expect-error the call names the alias "fast": models are required
  await runEffect(triage, 'charged twice');
  // @ts-expect-error "fats" is not "fast"
  await runEffect(triage, 'charged twice', { models: { fats: fast } });
  await runEffect(triage, 'charged twice', { models: { fast } });
  // An effect that calls no model needs none.
  await runEffect(toolCall(weather), { city: 'Ghent' });
});
