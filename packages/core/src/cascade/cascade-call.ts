import type { PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import type { CallsModels } from '../agent/model-aliases';
import { createEffectLogic } from '../effects/create-effect-logic';
import { initialMessages, type PromptFunction, type SystemPrompt } from '../effects/prompt';
import { promptRefOf } from '../prompt/define-prompt';
import { toJsonSchema } from '../tools/to-json-schema';
import { checkCascadeCallOptions } from './check-cascade-options';
import { parseStructuredOutput } from './parse-structured-output';
import { type CascadeResult, runCascade } from './run-cascade';

/** Options of {@link cascadeCall}. */
export interface CascadeCallOptions<
  TSchema extends z.ZodType,
  TInput,
  TModel extends string = string,
> {
  /**
   * Model aliases given to `createAgent({ models })`, cheapest first: one missing there is a
   * type error, as a `structuredCall`'s is.
   */
  models: readonly TModel[];
  schema: TSchema;
  /** Name of the schema for providers' `json_schema` format. Default `output`. */
  schemaName?: string | undefined;
  prompt: PromptFunction<TInput>;
  system?: SystemPrompt<TInput> | undefined;
  temperature?: number | undefined;
  maxOutputTokens?: number | undefined;
  /**
   * When a valid answer is too weak to keep, e.g. `(output) => output.confidence < 0.7`; a
   * string return is recorded as the reason.
   */
  // Typed as a method (checked as methods are: a narrower parameter is taken) that may be
  // undefined, as every option may (ADR 0080, 0090).
  escalateWhen?:
    | { escalateWhen(output: z.output<TSchema>): boolean | string }['escalateWhen']
    | undefined;
}

/**
 * Actor logic for a cheap-first cascade: the first (cheapest) model answers a structured
 * request; an answer that fails the schema or that `escalateWhen` finds weak, or a request
 * too large for the model's window, goes to the next model, and so on. Every call is a journaled model call of the run (counted, limited,
 * cached, replayed like any other). The output says which model answered and why it
 * escalated, so the chart — and the cost ledger — see what the cascade saved.
 *
 * @example
 * ```ts
 * classify: cascadeCall({
 *   models: ['small', 'strong'],
 *   schema: z.object({ relevant: z.boolean(), confidence: z.number() }),
 *   prompt: (tender: string) => `Is this tender relevant?\n${tender}`,
 *   escalateWhen: (output) => output.confidence < 0.7,
 * }),
 * ```
 */
export function cascadeCall<
  TSchema extends z.ZodType,
  TInput = unknown,
  const TModel extends string = string,
>(
  options: CascadeCallOptions<TSchema, TInput, TModel>,
): PromiseActorLogic<CascadeResult<z.output<TSchema>>, TInput> & CallsModels<TModel> {
  checkCascadeCallOptions(options);
  const { models, schema, schemaName = 'output' } = options;
  const jsonSchema = toJsonSchema(schema, `cascadeCall "${schemaName}" schema`, 'output');
  return createEffectLogic(
    {
      kind: 'structured-call',
      modelAliases: [...models],
      tools: [],
      blocksRest: true,
      schemas: [],
    },
    async (scope, input: TInput) => {
      const messages = initialMessages(input, options.prompt, options.system);
      return runCascade({
        models,
        call: (model, _tier, escalation) =>
          scope.callModel(
            model,
            {
              messages: [...messages],
              responseFormat: { type: 'json_schema', name: schemaName, schema: jsonSchema },
              ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
              ...(options.maxOutputTokens === undefined
                ? {}
                : { maxOutputTokens: options.maxOutputTokens }),
            },
            {
              prompt: promptRefOf(options.prompt),
              // An invalid answer escalates; cached, every later run would pay for the next tier.
              usable: (response) => parseStructuredOutput(response, schema).ok,
              // Recorded with the call: the run log's escalated column.
              ...(escalation
                ? { escalation: { from: escalation.from, reason: escalation.reason } }
                : {}),
            },
          ),
        parse: (response) => parseStructuredOutput(response, schema),
        ...(options.escalateWhen ? { escalateWhen: options.escalateWhen } : {}),
      });
    },
  );
}
