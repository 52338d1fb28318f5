import type { z } from 'zod';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, optionNamesOf } from '../errors/option-names';
import { maxTimerMs, validateNumberOption } from '../reliability/validate-option';
import { checkJournaledSchema, toJsonSchema } from './to-json-schema';
import type { Tool, ToolApproval, ToolEffect, ToolOptions } from './types';

const approvals: readonly ToolApproval[] = ['always', 'when-untrusted', 'never'];
const effects: readonly ToolEffect[] = ['pure', 'idempotent', 'unsafe'];
const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;
const toolOptionNames = optionNamesOf<ToolOptions<z.ZodType, z.ZodType>>({
  name: true,
  description: true,
  input: true,
  output: true,
  effect: true,
  approval: true,
  trustedOutput: true,
  timeoutMs: true,
  secrets: true,
  execute: true,
  reconcile: true,
});
const defaultTimeoutMs = 30_000;

/**
 * Defines a tool with a typed contract: the model's arguments are validated against `input`
 * before anything runs, and the result against `output` before the model sees it. An
 * `unsafe` tool waits for a person's approval once untrusted content is in a tool loop's
 * conversation (see `approval`); its output, like every tool's, reaches the model fenced
 * as untrusted data unless `trustedOutput` says it is the developer's own.
 *
 * @example
 * ```ts
 * const sendEmail = defineTool({
 *   name: 'send_email',
 *   description: 'Sends an email to one recipient.',
 *   input: z.object({ to: z.email(), body: z.string() }),
 *   output: z.object({ messageId: z.string() }),
 *   effect: 'unsafe',
 *   approval: 'always',
 *   execute: async ({ to, body }, { idempotencyKey }) => mailer.send({ to, body, idempotencyKey }),
 * });
 * ```
 */
export function defineTool<TInput extends z.ZodType, TOutput extends z.ZodType>(
  options: ToolOptions<TInput, TOutput>,
): Tool<TInput, TOutput> {
  checkOptionNames('defineTool', options, toolOptionNames);
  const {
    name,
    description,
    input,
    output,
    effect,
    timeoutMs = defaultTimeoutMs,
    approval = effect === 'unsafe' ? 'when-untrusted' : 'never',
    trustedOutput = false,
    secrets = [],
  } = options;
  if (typeof name !== 'string' || !toolNamePattern.test(name)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `Tool name ${JSON.stringify(name) ?? String(name)} is not accepted by model providers. Use 1-64 letters, digits, "_" or "-".`,
    );
  }
  if (typeof description !== 'string' || !description.trim()) {
    throw new DefinitionError(
      'definition.invalid_option',
      `Tool "${name}" has an empty description. Say what it does and when to use it: the model reads it.`,
    );
  }
  validateNumberOption(`Tool "${name}"`, 'timeoutMs', timeoutMs, {
    min: 0,
    exclusiveMin: true,
    expected: `a positive number of milliseconds up to ${maxTimerMs} (about 24.8 days): a timer cannot wait longer, and a tool with no timeout can hang its run forever`,
  });
  for (const [which, schema] of [
    ['input', input],
    ['output', output],
  ] as const) {
    if (typeof (schema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
      throw new DefinitionError(
        'definition.invalid_option',
        `Tool "${name}" has no zod schema as its ${which}. Give one, such as ${which === 'input' ? 'z.object({ city: z.string() })' : 'z.object({ temperature: z.number() })'}: the ${which === 'input' ? "model's arguments" : "tool's result"} are validated against it.`,
      );
    }
  }
  if (!effects.includes(effect)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `Tool "${name}" has effect ${JSON.stringify(effect) ?? String(effect)}. Use 'pure' (no side effect: safe to run again), 'idempotent' (a side effect that happens once however often it runs, given its idempotency key) or 'unsafe' (anything else: it never runs twice, and waits for approval once untrusted content is in the conversation).`,
    );
  }
  if (typeof options.execute !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `Tool "${name}" has no execute function: give execute: async (input, context) => output.`,
    );
  }
  if (options.reconcile !== undefined && typeof options.reconcile !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `Tool "${name}" has a reconcile that is not a function; leave it out or give reconcile: async (input, context) => ….`,
    );
  }
  if (options.reconcile !== undefined && effect !== 'unsafe') {
    // Asked nowhere else: a reconcile on a tool that is not unsafe was never called, and its
    // author believed a call found unfinished after a crash would be checked with the API.
    throw new DefinitionError(
      'definition.invalid_option',
      `Tool "${name}" is '${effect}' and has a reconcile, which is asked only of 'unsafe' tools: a${effect === 'idempotent' ? 'n idempotent call found unfinished after a crash runs again under the same idempotencyKey' : ' pure call found unfinished after a crash runs again'}, and one that timed out fails with tool.timeout. Leave reconcile out, or make the tool 'unsafe' if running it twice could act twice.`,
    );
  }
  if (!approvals.includes(approval)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `Tool "${name}" has approval "${String(approval)}". Use ${approvals.map((value) => `'${value}'`).join(', ')}.`,
    );
  }
  if (typeof trustedOutput !== 'boolean') {
    throw new DefinitionError(
      'definition.invalid_option',
      `Tool "${name}" has trustedOutput ${JSON.stringify(trustedOutput)}; it must be true or false.`,
    );
  }
  if (!Array.isArray(secrets) || secrets.some((secret) => typeof secret !== 'string')) {
    throw new DefinitionError(
      'definition.invalid_option',
      `Tool "${name}" has secrets ${typeof secrets}; give a list of strings (the credentials the tool holds), or leave it out.`,
    );
  }
  checkJournaledSchema(output, `Tool "${name}" output`);
  return {
    kind: 'agentchart.tool',
    name,
    description,
    input,
    output,
    effect,
    approval,
    trustedOutput,
    timeoutMs,
    secrets,
    execute: options.execute,
    reconcile: options.reconcile,
    parameters: toJsonSchema(input, `Tool "${name}" input`),
  };
}
