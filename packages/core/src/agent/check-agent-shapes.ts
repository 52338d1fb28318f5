import { DefinitionError } from '../errors/definition-error';

const owner = 'createAgent';

/** The options of `createAgent` whose shape is checked here, as a plain JavaScript caller may pass them. */
const agentOptionNames = new Set([
  'machine',
  'models',
  'modelPolicy',
  'middleware',
  'leaseTtlMs',
  'maxJournalValueBytes',
  'inspect',
  'checkpointer',
  'migrate',
  'evictWaiting',
  'freezeContext',
  'limits',
  'name',
  'clock',
  'generateId',
  'tokenCounter',
  'budget',
  'summariserModel',
  'prices',
  'cache',
  'costLedger',
  'quota',
  'redact',
  'fenceUntrusted',
]);

const limitNames = new Set([
  'maxSteps',
  'maxModelCalls',
  'maxTokens',
  'maxCostUsd',
  'maxWallTimeMs',
  'wrapUp',
]);
const wrapUpNames = new Set(['maxSteps', 'maxModelCalls', 'maxWallTimeMs']);

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
  unknownKeys(given, agentOptionNames, '');
  const { machine, models, checkpointer, limits } = given;
  if (!isMachine(machine)) {
    fail(
      `machine must be an XState machine — setup({ actors }).createMachine({ ... }) — got ${describe(machine)}.`,
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
          `models.${alias} must be a chat model (an object with modelName, endpoint and generate(), e.g. from @agentchart/openai's openAiModel or scriptedModel from @agentchart/core/testing) or a list of them tried in order, got ${describe(model)}. A model name such as 'gpt-4o' is not a model: create one with it.`,
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
    unknownKeys(limits as Record<string, unknown>, limitNames, 'limits.');
    const { wrapUp } = limits as { wrapUp?: unknown };
    if (wrapUp !== undefined) {
      if (typeof wrapUp !== 'object' || wrapUp === null || Array.isArray(wrapUp)) {
        fail(
          `limits.wrapUp must be an object such as { maxModelCalls: 1 }, got ${describe(wrapUp)}.`,
        );
      }
      unknownKeys(wrapUp as Record<string, unknown>, wrapUpNames, 'limits.wrapUp.');
    }
  }
  for (const flag of ['evictWaiting', 'freezeContext', 'fenceUntrusted']) {
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
}

function isMachine(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { transition?: unknown }).transition === 'function' &&
    typeof (value as { getInitialSnapshot?: unknown }).getInitialSnapshot === 'function' &&
    typeof (value as { root?: unknown }).root === 'object'
  );
}

function isChatModel(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { generate?: unknown }).generate === 'function' &&
    typeof (value as { modelName?: unknown }).modelName === 'string' &&
    typeof (value as { endpoint?: unknown }).endpoint === 'string'
  );
}

/** Refuses a key that is not one of `known`, naming the closest one. */
function unknownKeys(
  given: Record<string, unknown>,
  known: ReadonlySet<string>,
  prefix: string,
): void {
  for (const key of Object.keys(given)) {
    if (known.has(key)) continue;
    const closest = closestName(key, known);
    fail(
      `${prefix}${key} is not an option${closest ? `; did you mean ${prefix}${closest}?` : ''} It would be ignored. The options are ${[...known].map((name) => `${prefix}${name}`).join(', ')}.`,
    );
  }
}

/** The known name nearest to `name` by edit distance, when it is near (a typo). */
function closestName(name: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** A short description of a value that is not what was expected. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return `${typeof value} ${String(value)}`;
}

function fail(message: string): never {
  throw new DefinitionError('definition.invalid_option', `${owner}: ${message}`);
}
