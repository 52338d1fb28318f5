import { checkPrompt, checkSchemaName, checkTemperature } from '../effects/check-loop-options';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';

function fail(owner: string, message: string): never {
  throw new DefinitionError('definition.invalid_option', `${owner}: ${message}`);
}

/** Refuses a model list that is not a non-empty list of aliases. */
function checkModels(owner: string, name: string, models: unknown): void {
  if (
    !Array.isArray(models) ||
    models.length === 0 ||
    !models.every((model) => typeof model === 'string' && model.length > 0)
  ) {
    fail(
      owner,
      `${name} must be a list of model aliases given to createAgent({ models }), cheapest first, such as ['small', 'strong'], got ${describeValue(models)}.`,
    );
  }
  const twice = models.find((model, index) => models.indexOf(model) !== index);
  if (twice !== undefined) {
    // Asking the same model again would pay for the same answer: an escalation that cannot help.
    fail(
      owner,
      `${name} lists "${twice}" twice. List each model once, cheapest first; a model asked again gives the same kind of answer.`,
    );
  }
}

function checkSchema(owner: string, schema: unknown): void {
  if (typeof (schema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    fail(
      owner,
      `schema must be a zod schema of the answer, such as z.object({ answer: z.string(), confidence: z.number() }), got ${describeValue(schema)}.`,
    );
  }
}

/**
 * Checks `cascadeCall`'s options when it is defined: a misspelt `escalateWhen` would be
 * ignored and the cheapest model's weakest answer kept; an empty model list would fail only
 * when the state runs.
 *
 * @throws DefinitionError `definition.invalid_option` naming the option and what to give.
 */
export function checkCascadeCallOptions(options: unknown): void {
  const owner = 'cascadeCall';
  checkOptionNames(owner, options as object, [
    'models',
    'schema',
    'schemaName',
    'prompt',
    'system',
    'temperature',
    'maxOutputTokens',
    'escalateWhen',
  ]);
  const given = options as Record<string, unknown>;
  checkModels(owner, 'models', given.models);
  checkSchema(owner, given.schema);
  checkPrompt(owner, given.prompt, given.system);
  checkTemperature(owner, given.temperature as number | undefined);
  if (given.maxOutputTokens !== undefined) {
    validateNumberOption(owner, 'maxOutputTokens', given.maxOutputTokens as number, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      expected: 'a whole number of tokens, at least 1',
    });
  }
  if (given.escalateWhen !== undefined && typeof given.escalateWhen !== 'function') {
    fail(
      owner,
      `escalateWhen must be a function of a valid answer, such as (output) => output.confidence < 0.7, got ${describeValue(given.escalateWhen)}.`,
    );
  }
  checkSchemaName(owner, given.schemaName);
}

/**
 * Checks `routeGenerateVerify`'s options when it is defined: its router, routes and verifier,
 * each a model alias (or list of them) and a prompt function.
 *
 * @throws DefinitionError `definition.invalid_option` naming the option and what to give.
 */
export function checkRouteGenerateVerifyOptions(options: unknown): void {
  const owner = 'routeGenerateVerify';
  checkOptionNames(owner, options as object, [
    'router',
    'routes',
    'schema',
    'verifier',
    'maxRevisions',
  ]);
  const { router, routes, schema, verifier, maxRevisions } = options as Record<string, unknown>;
  for (const [name, step] of [
    ['router', router],
    ['verifier', verifier],
  ] as const) {
    checkOptionNames(owner, step as object, ['model', 'system', 'prompt'], `${name}.`);
    const { model, system, prompt } = step as Record<string, unknown>;
    if (typeof model !== 'string' || model.length === 0) {
      fail(
        owner,
        `${name}.model must be a model alias given to createAgent({ models }), got ${describeValue(model)}.`,
      );
    }
    checkPrompt(`${owner} ${name}`, prompt, system);
  }
  if (
    typeof routes !== 'object' ||
    routes === null ||
    Array.isArray(routes) ||
    Object.keys(routes).length === 0
  ) {
    fail(
      owner,
      `routes must be an object of generators by route name, such as { simple: { models: ['small'], prompt }, hard: { models: ['strong'], prompt } }, got ${describeValue(routes)}.`,
    );
  }
  for (const [name, route] of Object.entries(routes as object)) {
    checkOptionNames(owner, route as object, ['models', 'system', 'prompt'], `routes.${name}.`);
    const { models, system, prompt } = route as Record<string, unknown>;
    checkModels(owner, `routes.${name}.models`, models);
    checkPrompt(`${owner} route "${name}"`, prompt, system);
  }
  checkSchema(owner, schema);
  if (maxRevisions !== undefined) {
    validateNumberOption(owner, 'maxRevisions', maxRevisions as number, {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      expected: 'a whole number of revisions, 0 or more',
    });
  }
}
