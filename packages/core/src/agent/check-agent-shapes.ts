import type { AnyStateMachine } from 'xstate';
import { checkBudgetOptions } from '../budget/check-budget-options';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue as describe, optionNamesOf } from '../errors/option-names';
import type { RunLimits, WrapUpGrace } from '../run/types';
import type { AgentOptions } from './types';

const owner = 'createAgent';

/** The options of `createAgent` whose shape is checked here, as a plain JavaScript caller may pass them. */
const agentOptionNames = optionNamesOf<AgentOptions<AnyStateMachine>>({
  machine: true,
  input: true,
  models: true,
  modelPolicy: true,
  middleware: true,
  leaseTtlMs: true,
  maxJournalValueBytes: true,
  inspect: true,
  checkpointer: true,
  migrate: true,
  evictWaiting: true,
  wakeWaiting: true,
  freezeContext: true,
  limits: true,
  name: true,
  clock: true,
  generateId: true,
  tokenCounter: true,
  budget: true,
  summariserModel: true,
  prices: true,
  cache: true,
  costLedger: true,
  quota: true,
  redact: true,
  fenceUntrusted: true,
});

const limitNames = optionNamesOf<RunLimits>({
  maxSteps: true,
  maxModelCalls: true,
  maxTokens: true,
  maxCostUsd: true,
  maxWallTimeMs: true,
  wrapUp: true,
});
const wrapUpNames = optionNamesOf<WrapUpGrace>({
  maxSteps: true,
  maxModelCalls: true,
  maxWallTimeMs: true,
});

/** Option objects inside the options whose names are checked too. */
const nestedOptionNames: readonly [string, readonly string[]][] = [
  ['redact', ['secrets', 'patterns', 'environment', 'replacement']],
];

/** What a checkpointer must have: the methods every run calls. */
const checkpointerMethods = [
  'latest',
  'get',
  'list',
  'save',
  'getEffect',
  'putEffect',
  'listEffects',
  'acquireLease',
  'renewLease',
  'releaseLease',
  'getLease',
] as const;

/**
 * Refuses options whose shape is wrong where TypeScript does not look (plain JavaScript,
 * options read from JSON or a config file): no machine, a model given as a string, a
 * checkpointer that is not one, a misspelt option or limit (which would be ignored without a
 * word), a flag that is not a boolean. Runs before anything else reads the options, so the
 * error names the option instead of a TypeError from deep inside.
 *
 * @throws DefinitionError `definition.invalid_option` naming the option and what to give.
 */
export function checkAgentShapes(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(
      `the options must be an object such as { machine, models, checkpointer }, got ${describe(options)}.`,
    );
  }
  const given = options as Record<string, unknown>;
  checkOptionNames(owner, given, agentOptionNames);
  const { machine, models, checkpointer, limits } = given;
  if (!isMachine(machine)) {
    fail(
      `machine must be an XState machine — setup({ actors }).createMachine({ ... }) — got ${describe(machine)}.`,
    );
  }
  const { input } = given;
  if (
    input !== undefined &&
    typeof (input as { safeParse?: unknown } | null)?.safeParse !== 'function'
  ) {
    fail(
      `input must be the zod schema of a new thread's input, such as z.object({ ticket: z.string() }), got ${describe(input)}.`,
    );
  }
  if (models !== undefined) {
    if (typeof models !== 'object' || models === null || Array.isArray(models)) {
      fail(
        `models must be an object of models by alias, such as { fast: model }, got ${describe(models)}.`,
      );
    }
    for (const [alias, model] of Object.entries(models)) {
      const chain = Array.isArray(model) ? model : [model];
      if (chain.length === 0 || !chain.every(isChatModel)) {
        fail(
          `models.${alias} must be a chat model (an object with modelName, endpoint and generate(), e.g. openAIChatModel from @agentchart/openai or scriptedModel from @agentchart/core/testing) or a list of them tried in order, got ${describe(model)}. A model name such as 'gpt-4o' is not a model: create one with it.`,
        );
      }
      // A fallback to the model that just failed calls its endpoint again: under an outage the
      // calls it costs double, and its breaker counts each failure twice.
      const repeated = chain.find((item, index) => chain.indexOf(item) !== index) as
        | { modelName: string; endpoint: string }
        | undefined;
      if (repeated) {
        fail(
          `models.${alias} lists the model ${repeated.modelName} (${repeated.endpoint}) twice. A fallback is tried when the model before it failed; the same model again calls the endpoint that just failed. List each model once, with another model as its fallback.`,
        );
      }
    }
  }
  if (checkpointer !== undefined) {
    const missing = checkpointerMethods.filter(
      (method) => typeof (checkpointer as Record<string, unknown> | null)?.[method] !== 'function',
    );
    if (typeof checkpointer !== 'object' || checkpointer === null || missing.length > 0) {
      fail(
        `checkpointer must be a store such as new SqliteCheckpointer({ path: '.agentchart/runs.db' }) or new MemoryCheckpointer(), got ${describe(checkpointer)}${typeof checkpointer === 'object' && checkpointer !== null ? ` (it has no ${missing.join(', ')})` : ''}.`,
      );
    }
  }
  if (limits !== undefined) {
    if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
      fail(
        `limits must be an object such as { maxSteps: 50, maxCostUsd: 1 }, got ${describe(limits)}.`,
      );
    }
    checkOptionNames(owner, limits, limitNames, 'limits.');
    const { wrapUp } = limits as { wrapUp?: unknown };
    if (wrapUp !== undefined) {
      if (typeof wrapUp !== 'object' || wrapUp === null || Array.isArray(wrapUp)) {
        fail(
          `limits.wrapUp must be an object such as { maxModelCalls: 1 }, got ${describe(wrapUp)}.`,
        );
      }
      checkOptionNames(owner, wrapUp, wrapUpNames, 'limits.wrapUp.');
    }
  }
  if (given.budget !== undefined) {
    checkBudgetOptions(owner, given.budget, 'budget.');
    const { strategies } = given.budget as { strategies?: readonly string[] };
    if (strategies?.includes('compress-history') && given.summariserModel === undefined) {
      fail(
        "budget.strategies lists 'compress-history', which needs a model to write the summary, but no summariserModel is given. Add summariserModel: 'cheap' with that alias among the models, or remove the strategy.",
      );
    }
  }
  for (const [name, known] of nestedOptionNames) {
    const value = given[name];
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(`${name} must be an object of options, got ${describe(value)}.`);
    }
    checkOptionNames(owner, value, known, `${name}.`);
  }
  for (const flag of ['evictWaiting', 'wakeWaiting', 'freezeContext', 'fenceUntrusted']) {
    const value = given[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      fail(`${flag} must be true or false, got ${describe(value)}.`);
    }
  }
  for (const name of ['name', 'summariserModel']) {
    const value = given[name];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      fail(`${name} must be a non-empty string, got ${describe(value)}.`);
    }
  }
  for (const name of ['migrate', 'generateId']) {
    const value = given[name];
    if (value !== undefined && typeof value !== 'function') {
      fail(`${name} must be a function, got ${describe(value)}.`);
    }
  }
  if (given.middleware !== undefined && !Array.isArray(given.middleware)) {
    fail(`middleware must be a list of model-call middleware, got ${describe(given.middleware)}.`);
  }
  for (const [index, item] of ((given.middleware as unknown[] | undefined) ?? []).entries()) {
    if (!hasShape(item, { name: 'string', call: 'function' })) {
      fail(
        `middleware[${index}] must be model-call middleware, an object with name and call(call, next) such as createGuard({ name, output }) makes, got ${describe(item)}.`,
      );
    }
  }
  // Services the run calls while it runs: without this check a wrong one fails the first run
  // that reaches it, with a TypeError from deep inside.
  for (const [name, shape, example] of services) {
    const value = given[name];
    if (value !== undefined && !hasShape(value, shape)) {
      fail(
        `${name} must be ${example} (an object with ${Object.keys(shape).join(', ')}), got ${describe(value)}.`,
      );
    }
  }
  const { inspect } = given;
  if (
    inspect !== undefined &&
    typeof inspect !== 'function' &&
    !hasShape(inspect, { next: 'function' })
  ) {
    fail(
      `inspect must be an observer of XState inspection events — a function, or an object with next(event) such as @statelyai/inspect's createBrowserInspector().inspect — got ${describe(inspect)}.`,
    );
  }
}

/** Services given to `createAgent`: what each must have, and an example of one. */
const services: readonly [string, Record<string, string>, string][] = [
  [
    'clock',
    { now: 'function', setTimeout: 'function', clearTimeout: 'function' },
    'a clock such as manualClock() from @agentchart/core/testing',
  ],
  ['modelPolicy', { call: 'function' }, 'a policy such as createReliabilityPolicy() makes'],
  [
    'cache',
    { call: 'function', metrics: 'function' },
    'a cache such as createResponseCache() makes',
  ],
  [
    'costLedger',
    { record: 'function', summarise: 'function' },
    'a cost ledger such as new MemoryCostLedger()',
  ],
  [
    'quota',
    { admit: 'function', settle: 'function', usage: 'function' },
    'a quota such as createTenantQuota({ limits }) makes',
  ],
];

/** Whether `value` is an object whose properties have these `typeof`s. */
function hasShape(value: unknown, shape: Record<string, string>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(shape).every(([key, type]) => typeof record[key] === type);
}

const isMachine = (value: unknown) =>
  hasShape(value, { transition: 'function', getInitialSnapshot: 'function', root: 'object' });

const isChatModel = (value: unknown) =>
  hasShape(value, { generate: 'function', modelName: 'string', endpoint: 'string' });

function fail(message: string): never {
  throw new DefinitionError('definition.invalid_option', `${owner}: ${message}`);
}
