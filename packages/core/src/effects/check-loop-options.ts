import { checkBudgetOptions } from '../budget/check-budget-options';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import type { AnyTool } from '../tools/types';

/** Refuses loop options that make no sense, at definition time. */
export function checkLoopOptions({
  maxSteps,
  maxInvalidCalls,
  maxRepeats,
  maxToolOutputTokens,
  maxToolCallsPerAnswer,
  maxOutputTokens,
}: {
  maxSteps: number;
  maxInvalidCalls: number;
  maxRepeats: number;
  maxToolOutputTokens: number;
  maxToolCallsPerAnswer: number;
  maxOutputTokens?: number | undefined;
}): void {
  const whole = (min: number, what: string) => ({
    min,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: what,
  });
  validateNumberOption(
    'toolLoop',
    'maxSteps',
    maxSteps,
    whole(1, 'a whole number of model calls, at least 1'),
  );
  validateNumberOption(
    'toolLoop',
    'maxInvalidCalls',
    maxInvalidCalls,
    whole(0, 'a whole number, 0 or more (0 fails on the first invalid call)'),
  );
  validateNumberOption(
    'toolLoop',
    'maxRepeats',
    maxRepeats,
    whole(2, 'a whole number, at least 2 (the count at which a repeated call stops the loop)'),
  );
  validateNumberOption(
    'toolLoop',
    'maxToolOutputTokens',
    maxToolOutputTokens,
    whole(1, 'a whole number of tokens, at least 1'),
  );
  validateNumberOption(
    'toolLoop',
    'maxToolCallsPerAnswer',
    maxToolCallsPerAnswer,
    whole(1, 'a whole number of tool calls, at least 1'),
  );
  if (maxOutputTokens !== undefined) {
    validateNumberOption(
      'toolLoop',
      'maxOutputTokens',
      maxOutputTokens,
      whole(1, 'a whole number of tokens, at least 1'),
    );
  }
}

/**
 * Refuses a loop's tools a model could not call: something that is not a `defineTool` tool,
 * or a tool whose input is not an object. A model calls a tool with a JSON object of
 * arguments, so `z.string()` as the input could never be satisfied; `toolCall` from a chart
 * takes any input.
 */
export function checkLoopTools(tools: unknown): asserts tools is readonly AnyTool[] {
  if (!Array.isArray(tools)) {
    throw new DefinitionError(
      'definition.invalid_option',
      'toolLoop: tools must be a list of tools made with defineTool (an empty list for none).',
    );
  }
  for (const [index, tool] of tools.entries()) {
    if ((tool as { kind?: unknown } | null)?.kind !== 'agentchart.tool') {
      const name = (tool as { name?: unknown } | null | undefined)?.name;
      // What is there when it has no name: `undefined` is usually a tool that was not imported.
      const what =
        name === undefined
          ? `tools[${index}] is ${describeValue(tool)},`
          : `${JSON.stringify(name)} in tools is`;
      throw new DefinitionError(
        'definition.invalid_option',
        `toolLoop: ${what} not a tool made with defineTool({ name, description, input, output, effect, execute }).`,
      );
    }
    const { name, parameters } = tool as AnyTool;
    if (parameters.type !== 'object') {
      throw new DefinitionError(
        'definition.invalid_option',
        `toolLoop: tool "${name}" takes ${inputKind(parameters)} as its input, but a model calls a tool with a JSON object of arguments (providers refuse any other schema), so no call could match it. Wrap it in an object: input: z.object({ value: <the schema it has now> }). (toolCall from a chart takes any input.)`,
      );
    }
  }
}

/** Refuses a sampling temperature outside what providers accept (0 to 2). */
export function checkTemperature(owner: string, temperature: number | undefined): void {
  if (temperature === undefined) return;
  validateNumberOption(owner, 'temperature', temperature, {
    min: 0,
    max: 2,
    expected: 'a number from 0 to 2 (0 for the most predictable answers)',
  });
}

/** Refuses a `toolLoop` onToolError that is not one of its choices. */
export function checkOnToolError(value: unknown): void {
  if (value === undefined || value === 'report' || value === 'fail') return;
  throw new DefinitionError(
    'definition.invalid_option',
    `toolLoop: onToolError is ${JSON.stringify(value) ?? String(value)}. Use 'report' (a failed tool's error goes back to the model, which may try otherwise) or 'fail' (the loop fails with it).`,
  );
}

/** What a tool's input schema is, when it is not an object: "a string", "a union (anyOf)". */
function inputKind(parameters: Record<string, unknown>): string {
  const { type } = parameters;
  if (typeof type === 'string') return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
  for (const union of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(parameters[union])) return `a union (${union}) at its top level`;
  }
  return 'a schema that is not an object';
}

/** Refuses a prompt that is not a function of the effect's input, and a system prompt of another kind. */
export function checkPrompt(owner: string, prompt: unknown, system: unknown): void {
  if (typeof prompt !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: prompt must be a function of the effect's input that returns the user message or the messages, such as prompt: (input) => 'Summarise: ' + input.text (or a prompt made with definePrompt), got ${describeValue(prompt)}.`,
    );
  }
  if (system !== undefined && typeof system !== 'string' && typeof system !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: system must be a string or a function of the effect's input, got ${describeValue(system)}.`,
    );
  }
}

/**
 * Refuses an effect's `modelCall` settings that would be ignored or misread: a misspelt name
 * (`budjet`), a cache switch that is not a boolean, a budget with unknown strategies or values.
 */
export function checkModelCallSettings(owner: string, modelCall: unknown): void {
  if (modelCall === undefined) return;
  checkOptionNames(owner, modelCall as object, ['budget', 'cache'], 'modelCall.');
  const { budget, cache } = modelCall as { budget?: unknown; cache?: unknown };
  if (cache !== undefined && typeof cache !== 'boolean') {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: modelCall.cache must be true or false (false skips the agent's response cache for this effect), got ${describeValue(cache)}.`,
    );
  }
  if (budget !== undefined) checkBudgetOptions(owner, budget, 'modelCall.budget.');
}

/**
 * Refuses a structured-output schema name providers reject: OpenAI answers a name outside
 * `^[a-zA-Z0-9_-]{1,64}$` (`'ticket triage'`) with a 400 on every call.
 */
export function checkSchemaName(owner: string, schemaName: unknown): void {
  if (schemaName === undefined) return;
  if (typeof schemaName !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(schemaName)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: schemaName is ${describeValue(schemaName)}; providers take 1 to 64 letters, digits, _ and -, such as 'ticket_triage'.`,
    );
  }
}

/**
 * Refuses `toolLoop` approvals and flags it would misread: a misspelt name (`onReject` left the
 * default `fail` in force), a value none of the choices (`onRejected: 'ignore'`), and a flag
 * that is not a boolean (the string `'false'` is truthy).
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkLoopApprovals(approvals: unknown, untrustedInput: unknown): void {
  if (untrustedInput !== undefined && typeof untrustedInput !== 'boolean') {
    throw new DefinitionError(
      'definition.invalid_option',
      `toolLoop: untrustedInput is ${describeValue(untrustedInput)}. Give true when the loop's input comes from outside (a user, an e-mail), false or leave it out otherwise.`,
    );
  }
  if (approvals === undefined) return;
  if (typeof approvals !== 'object' || approvals === null || Array.isArray(approvals)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `toolLoop: approvals is ${describeValue(approvals)}. Give an object: { untrustedContext, onRejected, timeoutMs, validForMs, prompt }, each optional.`,
    );
  }
  checkOptionNames('toolLoop approvals', approvals, [
    'untrustedContext',
    'onRejected',
    'timeoutMs',
    'validForMs',
    'prompt',
  ]);
  const choices = { untrustedContext: ['require', 'ignore'], onRejected: ['fail', 'report'] };
  for (const [name, allowed] of Object.entries(choices)) {
    const value = (approvals as Record<string, unknown>)[name];
    if (value !== undefined && !allowed.includes(value as string)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `toolLoop approvals: ${name} is ${describeValue(value)}. Give ${allowed.map((choice) => `'${choice}'`).join(' or ')}, or leave it out for '${allowed[0]}'.`,
      );
    }
  }
}
