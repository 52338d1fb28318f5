import type { PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import type { CallsModels } from '../agent/model-aliases';
import { BudgetError } from '../budget/budget-error';
import { DefinitionError } from '../errors/definition-error';
import { describeIssue, describeIssues, maxListedIssues } from '../errors/describe-issues';
import { checkOptionNames, optionNamesOf } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import type { ChatMessage, ChatRequest, ChatResponse, ResponseFormat } from '../model/types';
import { extractAnswer } from '../output/extract-answer';
import { nullAsAbsent } from '../output/null-as-absent';
import { parseNow } from '../output/parse-now';
import type { ModelCallSettings } from '../pipeline/types';
import { promptRefOf } from '../prompt/define-prompt';
import { validateNumberOption } from '../reliability/validate-option';
import { headOf } from '../text/whole-characters';
import { toJsonSchema } from '../tools/to-json-schema';
import {
  checkModelCallSettings,
  checkPrompt,
  checkSchemaName,
  checkTemperature,
} from './check-loop-options';
import { createEffectLogic } from './create-effect-logic';
import type { EffectScope } from './effect-scope';
import { initialMessages, type PromptFunction, type SystemPrompt } from './prompt';

/** Options of {@link structuredCall}. */
export interface StructuredCallOptions<
  TSchema extends z.ZodType,
  TInput,
  TModel extends string = string,
> {
  /** The model alias given to `createAgent({ models })`. */
  model: TModel;
  /**
   * The shape of the answer; the model's output is validated against it. An `.optional()` key
   * is asked for as required and nullable, so providers' strict modes stay on, and a `null`
   * the model writes there arrives as the key absent (a `.nullish()` key keeps its `null`).
   */
  schema: TSchema;
  /** Name of the schema for providers' `json_schema` format. Default `output`. */
  schemaName?: string | undefined;
  prompt: PromptFunction<TInput>;
  system?: SystemPrompt<TInput> | undefined;
  temperature?: number | undefined;
  /**
   * The most output tokens the answer may take, sent as the call's cap; also what the run's
   * `maxTokens` and `maxCostUsd` limits project the call with (see `RunLimits`). Default: the
   * output the context budget reserves — the model's `metadata.maxOutputTokens` up to 4 096
   * and half its window — so a longer answer ends `output.truncated`.
   */
  maxOutputTokens?: number | undefined;
  /**
   * How many times invalid output is sent back with its zod issues. Default 2 (three
   * attempts in all). A re-ask that would not fit the model's window is not sent: the call
   * fails with `output.invalid` and the issues of the answer before it.
   */
  maxReasks?: number | undefined;
  /** This call's context budget and cache settings, over the agent's. */
  modelCall?: Pick<ModelCallSettings, 'budget' | 'cache'> | undefined;
}

/** The options `structuredCall` reads; any other name is a misspelling. */
const structuredCallOptionNames = optionNamesOf<StructuredCallOptions<z.ZodType, unknown, string>>({
  model: true,
  schema: true,
  schemaName: true,
  prompt: true,
  system: true,
  temperature: true,
  maxOutputTokens: true,
  maxReasks: true,
  modelCall: true,
});

/**
 * Actor logic for one LLM call that returns a value validated by a zod schema. JSON is
 * found in fenced or chatty answers; invalid output is re-asked with the zod issues, a
 * bounded number of times; refusals and truncated answers fail with their own codes.
 *
 * @example
 * ```ts
 * const machine = setup({
 *   actors: {
 *     classify: structuredCall({
 *       model: 'fast',
 *       schema: z.object({ relevant: z.boolean(), confidence: z.number() }),
 *       prompt: (tender: string) => `Is this tender relevant?\n${tender}`,
 *       temperature: 0.1,
 *     }),
 *   },
 * }).createMachine({ ... invoke: { src: 'classify', input: ({ context }) => context.tender } });
 * ```
 */
export function structuredCall<
  TSchema extends z.ZodType,
  TInput = unknown,
  const TModel extends string = string,
>(
  options: StructuredCallOptions<TSchema, TInput, TModel>,
): PromiseActorLogic<z.output<TSchema>, TInput> & CallsModels<TModel> {
  checkOptionNames('structuredCall', options, structuredCallOptionNames);
  checkPrompt('structuredCall', options.prompt, options.system);
  const { model, schema, schemaName = 'output', maxReasks = 2 } = options;
  validateNumberOption('structuredCall', 'maxReasks', maxReasks, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of re-asks, 0 or more',
  });
  if (options.maxOutputTokens !== undefined) {
    validateNumberOption('structuredCall', 'maxOutputTokens', options.maxOutputTokens, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      expected: 'a whole number of tokens, at least 1',
    });
  }
  checkTemperature('structuredCall', options.temperature);
  checkModelCallSettings('structuredCall', options.modelCall);
  checkSchemaName('structuredCall', options.schemaName);
  if (typeof (schema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      'structuredCall: schema must be a zod schema of the answer, such as z.object({ team: z.enum([...]) }).',
    );
  }
  const jsonSchema = toJsonSchema(schema, `structuredCall "${schemaName}" schema`, 'output');
  const answerSchema = `structuredCall's "${schemaName}" schema`;
  // Which JSON in a chatty answer is the answer: the one the schema takes, not a `[1]` before it.
  const fits = (value: unknown) =>
    parseNow(schema, nullAsAbsent(schema, value), answerSchema).success;
  // One frozen format for every call: the token counter and the request hash keep what they
  // derive from it by identity, instead of rendering and serialising the schema per call.
  const responseFormat: ResponseFormat = Object.freeze({
    type: 'json_schema',
    name: schemaName,
    schema: jsonSchema,
  });
  const settings: ModelCallSettings = {
    ...options.modelCall,
    prompt: promptRefOf(options.prompt),
    // An answer that fails the schema is re-asked here; cached, it would fail the next run too.
    usable: (response) => {
      const extracted = extractAnswer(response.content, fits);
      return extracted.ok && fits(extracted.value);
    },
  };
  return createEffectLogic(
    {
      kind: 'structured-call',
      modelAliases: [model],
      tools: [],
      blocksRest: true,
      schemas: [],
    },
    // Not an async function: while the model answers (seconds, for a real one) a call holds
    // the two reactions of its attempt and their small context, not a suspended frame with
    // every local of a re-ask loop (1,000 calls in flight at once each held one).
    (scope, input: TInput) =>
      ask(scope, initialMessages(input, options.prompt, options.system), 0, [], ''),
  );

  /**
   * Sends `messages` (never changed once sent: a re-ask sends a new list, and the journal and
   * the request hash keep the one sent, so a call needs no copy of its own) as attempt
   * `attempt`; `issues` and `output` are those of the answer it re-asks, if any.
   */
  function ask(
    scope: EffectScope,
    messages: ChatMessage[],
    attempt: number,
    issues: z.core.$ZodIssue[],
    output: string,
  ): Promise<z.output<TSchema>> {
    // The key the journal step gives this call (a summary made to fit it takes no step), so a
    // re-ask names the call whose answer was invalid, as its llm.call events do.
    const callId = scope.peekKey('llm');
    // Set field by field: one shape for every call, and no object made to be spread.
    const request: ChatRequest = { messages, responseFormat };
    if (options.temperature !== undefined) request.temperature = options.temperature;
    if (options.maxOutputTokens !== undefined) request.maxOutputTokens = options.maxOutputTokens;
    return scope.callModel(model, request, settings).then(
      (response) => answered(scope, messages, attempt, callId, response),
      (error: unknown) => {
        // The first request fitted: a re-ask over the window is over it by the invalid answer
        // it sends back, which is what the caller needs to hear about, not the window of a
        // conversation it never wrote.
        if (attempt === 0 || !BudgetError.isInstance(error)) throw error;
        throw invalidOutput(attempt, issues, output, error);
      },
    );
  }

  /** The answer of attempt `attempt`: its value, a re-ask, or the typed error it fails with. */
  function answered(
    scope: EffectScope,
    messages: ChatMessage[],
    attempt: number,
    callId: string,
    response: ChatResponse,
  ): z.output<TSchema> | Promise<z.output<TSchema>> {
    if (response.finishReason === 'refusal' || response.refusal) {
      throw new RunError('output.refused', {
        message: `The model refused to answer the "${schemaName}" request: ${response.refusal ?? response.content}`,
        details: { refusal: response.refusal ?? response.content },
      });
    }
    if (response.finishReason === 'length') {
      throw new RunError('output.truncated', {
        message: `The model's "${schemaName}" answer was cut off at its output token limit. Raise maxOutputTokens or ask for a shorter answer.`,
        details: { output: response.content, usage: response.usage },
      });
    }
    // A filtered answer is the provider's decision, not a format mistake: re-asking the
    // same request gets the same verdict, each one billed.
    if (response.finishReason === 'content_filter') {
      throw new RunError('output.filtered', {
        message: `The provider's content filter stopped the model's "${schemaName}" answer${response.content ? ' part-way' : ''}; re-asking would get the same verdict. Rephrase the request or route this input elsewhere.`,
        details: { output: response.content, usage: response.usage },
      });
    }
    const extracted = extractAnswer(response.content, fits);
    let issues: z.core.$ZodIssue[];
    if (extracted.ok) {
      const parsed = parseNow(schema, nullAsAbsent(schema, extracted.value), answerSchema);
      if (parsed.success) return parsed.data;
      issues = parsed.error.issues;
    } else {
      issues = [{ code: 'custom', path: [], message: extracted.reason, input: undefined }];
    }
    if (attempt >= maxReasks) throw invalidOutput(maxReasks + 1, issues, response.content);
    scope.run.runtime.events.emit('llm.call.reask', scope.threadId, {
      site: scope.site,
      callId,
      attempt: attempt + 1,
      reason: listed(issues.map((issue) => headOf(issue.message, 300))).join('; '),
    });
    return ask(
      scope,
      [
        ...messages,
        { role: 'assistant', content: response.content },
        { role: 'user', content: reaskMessage(issues) },
      ],
      attempt + 1,
      issues,
      response.content,
    );
  }

  /** The answer failed the schema after `attempts`; `tooLarge` when a re-ask would not fit. */
  function invalidOutput(
    attempts: number,
    issues: z.core.$ZodIssue[],
    output: string,
    tooLarge?: BudgetError,
  ): RunError {
    const after = attempts === 1 ? 'one attempt' : `${attempts} attempts`;
    const why = tooLarge
      ? ` It was not re-asked again: the re-ask, which sends the answer back with its issues, would not fit the model's window (${tooLarge.details.minimumTokens} tokens needed, ${tooLarge.details.capacity} allowed). Ask for a shorter answer, lower maxOutputTokens, or use a model with a larger window.`
      : '';
    return new RunError('output.invalid', {
      message: `The model's "${schemaName}" answer did not match the schema after ${after}: ${describeIssues(issues, maxListedIssues)}.${why}`,
      issues,
      details: { attempts, output },
      ...(tooLarge ? { cause: tooLarge } : {}),
    });
  }
}

/** The first issues and a count of the rest (see {@link maxListedIssues}). */
function listed(lines: string[]): string[] {
  const shown = lines.slice(0, maxListedIssues);
  const more = lines.length - shown.length;
  return more > 0 ? [...shown, `and ${more} more issues`] : shown;
}

function reaskMessage(issues: z.core.$ZodIssue[]): string {
  const lines = listed(issues.map(describeIssue)).map((line) => `- ${line}`);
  return `Your answer did not match the required JSON schema:\n${lines.join('\n')}\nAnswer again with only the corrected JSON.`;
}
