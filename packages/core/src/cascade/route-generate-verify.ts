import type { PromiseActorLogic } from 'xstate';
import { z } from 'zod';
import type { CallsModels } from '../agent/model-aliases';
import { createEffectLogic } from '../effects/create-effect-logic';
import type { EffectScope } from '../effects/effect-scope';
import { listedProblems } from '../errors/describe-issues';
import { RunError } from '../errors/run-error';
import type { ChatMessage } from '../model/types';
import { type PromptRef, promptRefOf, promptSystemOf } from '../prompt/define-prompt';
import { toJsonSchema } from '../tools/to-json-schema';
import { checkRouteGenerateVerifyOptions } from './check-cascade-options';
import { parseStructuredOutput } from './parse-structured-output';

/** The verifier's verdict on a generated answer. */
export const verdictSchema = z.object({
  pass: z.boolean(),
  /** What is wrong, for the generator's next attempt. Empty when it passes. */
  issues: z.array(z.string()),
});
/** A verifier's verdict. */
export type Verdict = z.output<typeof verdictSchema>;

/** How one route generates: its models (cheapest first; a revision moves to the next) and prompt. */
export interface GeneratorRoute<TInput, TModel extends string = string> {
  models: readonly TModel[];
  system?: string | undefined;
  prompt(input: TInput): string;
}

/** Options of {@link routeGenerateVerify}. */
export interface RouteGenerateVerifyOptions<
  TRoute extends string,
  TSchema extends z.ZodType,
  TInput,
  TModel extends string = string,
> {
  /**
   * A cheap model that picks the route. Every model alias here, in `routes` and in
   * `verifier` must be given to `createAgent({ models })`: one missing is a type error.
   */
  router: {
    model: TModel;
    system?: string | undefined;
    prompt(input: TInput, routes: readonly TRoute[]): string;
  };
  /** The generators by route. */
  routes: Record<TRoute, GeneratorRoute<TInput, TModel>>;
  /** The shape of every generator's answer. */
  schema: TSchema;
  /** A model that checks an answer against the input. */
  verifier: {
    model: TModel;
    system?: string | undefined;
    prompt(input: TInput, output: z.output<TSchema>, route: TRoute): string;
  };
  /** Revisions after a failed verdict (each with the verifier's issues). Default 1. */
  maxRevisions?: number | undefined;
}

/** What {@link routeGenerateVerify} returns: the answer, its route and whether it passed. */
export interface RouteGenerateVerifyResult<TRoute extends string, T> {
  route: TRoute;
  output: T;
  /** The last verdict: `pass` false means revisions ran out; the chart decides (e.g. a human). */
  verdict: Verdict;
  revisions: number;
  /** The generator model that wrote the kept answer. */
  model: string;
}

/**
 * Actor logic for the router → generator → verifier pattern: a cheap router picks a route,
 * the route's generator answers (structured, validated), a verifier judges the answer; a
 * failed verdict sends the answer back with the verifier's issues, on the route's next model
 * when it has one, up to `maxRevisions`. Every call is a journaled model call of the run.
 */
export function routeGenerateVerify<
  TRoute extends string,
  TSchema extends z.ZodType,
  TInput = unknown,
  const TModel extends string = string,
>(
  options: RouteGenerateVerifyOptions<TRoute, TSchema, TInput, TModel>,
): PromiseActorLogic<RouteGenerateVerifyResult<TRoute, z.output<TSchema>>, TInput> &
  CallsModels<TModel> {
  checkRouteGenerateVerifyOptions(options);
  const { router, routes, schema, verifier, maxRevisions = 1 } = options;
  const routeNames = Object.keys(routes) as TRoute[];
  const routeSchema = z.object({ route: z.enum(routeNames as [TRoute, ...TRoute[]]) });
  const formats = {
    route: {
      type: 'json_schema' as const,
      name: 'route',
      schema: toJsonSchema(routeSchema, 'routeGenerateVerify router schema', 'output'),
    },
    output: {
      type: 'json_schema' as const,
      name: 'output',
      schema: toJsonSchema(schema, 'routeGenerateVerify output schema', 'output'),
    },
    verdict: {
      type: 'json_schema' as const,
      name: 'verdict',
      schema: toJsonSchema(verdictSchema, 'routeGenerateVerify verdict schema', 'output'),
    },
  };
  const aliases = [
    router.model,
    verifier.model,
    ...routeNames.flatMap((name) => routes[name].models),
  ];
  return createEffectLogic(
    {
      kind: 'structured-call',
      modelAliases: [...new Set(aliases)],
      tools: [],
      blocksRest: true,
      schemas: [],
    },
    async (scope, input: TInput): Promise<RouteGenerateVerifyResult<TRoute, z.output<TSchema>>> => {
      const routed = await ask(
        scope,
        router.model,
        routeSchema,
        formats.route,
        withSystem(systemOf(router, input), router.prompt(input, routeNames)),
        promptRefOf(router.prompt),
      );
      const route = routed.route as TRoute;
      const generator = routes[route];
      const conversation = withSystem(systemOf(generator, input), generator.prompt(input));
      for (let revision = 0; ; revision++) {
        const model = generator.models[Math.min(revision, generator.models.length - 1)]!;
        const output = (await ask(
          scope,
          model,
          schema,
          formats.output,
          conversation,
          promptRefOf(generator.prompt),
        )) as z.output<TSchema>;
        const verdict = await ask(
          scope,
          verifier.model,
          verdictSchema,
          formats.verdict,
          withSystem(systemOf(verifier, input), verifier.prompt(input, output, route)),
          promptRefOf(verifier.prompt),
        );
        if (verdict.pass || revision >= maxRevisions)
          return { route, output, verdict, revisions: revision, model };
        conversation.push(
          { role: 'assistant', content: JSON.stringify(output) },
          {
            role: 'user',
            content: `A reviewer found these problems:\n${listedProblems(verdict.issues)
              .map((issue) => `- ${issue}`)
              .join('\n')}\nAnswer again, fixing them, with only the JSON.`,
          },
        );
      }
    },
  );
}

/** A step's system prompt: its own, else the one its versioned prompt (`definePrompt`) carries. */
function systemOf<TInput>(
  step: { system?: string; prompt: unknown },
  input: TInput,
): string | undefined {
  const system = step.system ?? promptSystemOf<TInput>(step.prompt);
  return typeof system === 'function' ? system(input) : system;
}

function withSystem(system: string | undefined, prompt: string): ChatMessage[] {
  return [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    { role: 'user', content: prompt },
  ];
}

async function ask<TSchema extends z.ZodType>(
  scope: EffectScope,
  model: string,
  schema: TSchema,
  responseFormat: { type: 'json_schema'; name: string; schema: Record<string, unknown> },
  messages: ChatMessage[],
  prompt: PromptRef | undefined,
): Promise<z.output<TSchema>> {
  const response = await scope.callModel(
    model,
    { messages: [...messages], responseFormat, temperature: 0 },
    // An invalid answer fails the call; cached, it would fail every later run too.
    { prompt, usable: (answer) => parseStructuredOutput(answer, schema).ok },
  );
  const parsed = parseStructuredOutput(response, schema);
  if (parsed.ok) return parsed.value;
  throw new RunError(parsed.code ?? 'output.invalid', {
    message: `Model "${model}" gave no usable "${responseFormat.name}" answer: ${parsed.reason}.`,
    issues: parsed.issues,
    details: { model, output: response.content },
  });
}
