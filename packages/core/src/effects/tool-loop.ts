import type { PromiseActorLogic } from 'xstate';
import type { CallsModels } from '../agent/model-aliases';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, optionNamesOf } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import type {
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  ToolDefinition,
} from '../model/types';
import { assumedContextWindow } from '../pipeline/budget-step';
import type { ModelCallSettings } from '../pipeline/types';
import { promptRefOf } from '../prompt/define-prompt';
import type { AnyTool } from '../tools/types';
import { checkApprovalOptions } from './ask-approval';
import {
  checkLoopApprovals,
  checkLoopOptions,
  checkLoopTools,
  checkModelCallSettings,
  checkOnToolError,
  checkPrompt,
  checkTemperature,
} from './check-loop-options';
import { createEffectLogic } from './create-effect-logic';
import { distinctCallIds } from './distinct-call-ids';
import { invalidCallId, planToolCall } from './plan-tool-call';
import { initialMessages, type PromptFunction, type SystemPrompt } from './prompt';
import { keepRecordedCalls } from './recorded-calls';
import { markRepeatedActingCalls, signatureOf } from './repeated-acting-calls';
import { runToolCalls, type ToolLoopApprovals } from './run-tool-calls';

/** Options of {@link toolLoop}. */
export interface ToolLoopOptions<TInput, TModel extends string = string> {
  /** The model alias given to `createAgent({ models })`. */
  model: TModel;
  tools: readonly AnyTool[];
  prompt: PromptFunction<TInput>;
  system?: SystemPrompt<TInput> | undefined;
  temperature?: number | undefined;
  /**
   * The most output tokens each model call may produce. Also what the run's `maxTokens` and
   * `maxCostUsd` limits project each call with (see `RunLimits`). Default: the output the
   * context budget reserves — the model's `metadata.maxOutputTokens` up to 4 096 and half its
   * window — which is sent as the call's cap, so a longer answer ends `output.truncated`.
   */
  maxOutputTokens?: number | undefined;
  /** Model calls the loop may make before it fails with `loop.step_limit`. Default 10. */
  maxSteps?: number | undefined;
  /** Invalid tool calls (bad arguments, unknown tool) sent back before failing; 0 fails on the first. Default 3. */
  maxInvalidCalls?: number | undefined;
  /**
   * The same tool with the same arguments in this many of the model's answers fails with
   * `loop.repeated_call`. A call counts once per answer: copies in one answer (the same pure
   * lookup asked three times at once) are not a loop; a copy of an unsafe or idempotent call
   * is not run either (the model is told). At least 2. Default 3.
   */
  maxRepeats?: number | undefined;
  /**
   * The most tokens one tool result may take in the history; larger ones are cut with a
   * marker. Default 8,000, or a quarter of the model's context window when that is less (a
   * model whose window is unknown is planned against 8,192 tokens, so 2,048): one result
   * never crowds the conversation out of a small window. By default an answer's results
   * together also stay within half the window, and leave room for the output the call
   * reserves: five calls at once on a 16K model get about 1,600 tokens each, two on a 4K
   * model about 590, so their turn still fits (the latest turn is never trimmed). Given,
   * the cap holds for each result as it is.
   */
  maxToolOutputTokens?: number | undefined;
  /**
   * The most tool calls one answer of the model may make. An answer with more runs none of
   * them and fails the loop with `loop.too_many_tool_calls`: a burst of hundreds of calls
   * (sent emails, payments) is far more often a runaway or injected instruction than a plan.
   * Default 32; raise it for a loop whose model fans out widely on purpose.
   */
  maxToolCallsPerAnswer?: number | undefined;
  /** This loop's context budget and cache settings, over the agent's. */
  modelCall?: Pick<ModelCallSettings, 'budget' | 'cache'> | undefined;
  /**
   * What a failing tool does: `report` sends the error to the model as the tool's result so
   * it can recover (default); `fail` ends the loop with the tool's error.
   */
  onToolError?: 'report' | 'fail' | undefined;
  /**
   * The tools the model may call in this invocation — a state's allowlist: tool names, or a
   * function of the effect's input (each state's invoke passes what its step allows). Only
   * these are offered to the model; a call of another is refused and goes back to it as an
   * invalid call. Default: all of `tools`.
   */
  allowedTools?: readonly string[] | ((input: TInput) => readonly string[]) | undefined;
  /**
   * The prompt carries content from outside the developer's control (an upload, a retrieved
   * document): it reaches the model fenced as untrusted data, and the conversation counts as
   * untrusted from the start. Default false; a prompt's messages can also say it themselves
   * (`{ role: 'user', content, untrusted: true }`).
   */
  untrustedInput?: boolean | undefined;
  /**
   * How tool calls are approved: once untrusted content is in the conversation, `unsafe`
   * tools wait for a person's approval by default. See {@link ToolLoopApprovals}.
   */
  approvals?: ToolLoopApprovals | undefined;
}

/** What a finished tool loop returns. */
export interface ToolLoopResult {
  /** The model's final answer. */
  content: string;
  /** The whole conversation, tool calls and results included. */
  messages: ChatMessage[];
  /** Model calls made. */
  steps: number;
  /** Tool calls executed. */
  toolCalls: number;
}

/** The options `toolLoop` reads; any other name is a misspelling. */
const toolLoopOptionNames = optionNamesOf<ToolLoopOptions<unknown, string>>({
  model: true,
  tools: true,
  prompt: true,
  system: true,
  temperature: true,
  maxOutputTokens: true,
  maxSteps: true,
  maxInvalidCalls: true,
  maxRepeats: true,
  maxToolOutputTokens: true,
  maxToolCallsPerAnswer: true,
  modelCall: true,
  onToolError: true,
  allowedTools: true,
  untrustedInput: true,
  approvals: true,
});

/**
 * Actor logic for a tool-calling loop: model → tool calls → model … until the model answers
 * without tools. Arguments are validated before anything runs (invalid ones go back to the
 * model with the zod issues, bounded); independent calls run in parallel, `unsafe` tools one
 * at a time (one still queued when a call fails the loop or its state is left never starts);
 * an `unsafe` or `idempotent` call that repeats an earlier one of the same answer is not run
 * (the model is told);
 * a step limit and repeated-call detection stop runaway loops.
 *
 * Tool output is data, not instructions: it reaches the model fenced as untrusted (unless the
 * tool declares `trustedOutput`), and once any is in the conversation, calls of `unsafe`
 * tools wait for a person's approval of their exact arguments (see `approvals`), so text a
 * tool returned cannot make the agent act on its own. `allowedTools` narrows what a state
 * offers.
 */
export function toolLoop<TInput = unknown, const TModel extends string = string>(
  options: ToolLoopOptions<TInput, TModel>,
): PromiseActorLogic<ToolLoopResult, TInput> & CallsModels<TModel> {
  checkOptionNames('toolLoop', options, toolLoopOptionNames);
  checkPrompt('toolLoop', options.prompt, options.system);
  const { model, tools, maxSteps = 10, maxInvalidCalls = 3, maxRepeats = 3 } = options;
  const maxToolCallsPerAnswer = options.maxToolCallsPerAnswer ?? 32;
  checkLoopOptions({
    ...options,
    maxSteps,
    maxInvalidCalls,
    maxRepeats,
    maxToolOutputTokens: options.maxToolOutputTokens ?? defaultToolOutputTokens,
    maxToolCallsPerAnswer,
  });
  checkLoopTools(tools);
  checkTemperature('toolLoop', options.temperature);
  checkModelCallSettings('toolLoop', options.modelCall);
  checkOnToolError(options.onToolError);
  checkLoopApprovals(options.approvals, options.untrustedInput);
  if (options.approvals) checkApprovalOptions('toolLoop approvals', options.approvals);
  const byName = new Map<string, AnyTool>();
  for (const tool of tools) {
    if (byName.has(tool.name)) {
      throw new DefinitionError(
        'definition.duplicate_tool',
        `toolLoop: two tools are named "${tool.name}". Tool names must be unique within a loop: the model calls tools by name.`,
      );
    }
    byName.set(tool.name, tool);
  }
  const allowedFor = allowlistOf(options.allowedTools, byName);
  const definitions = new Map(
    tools.map(({ name, description, parameters }) => [name, { name, description, parameters }]),
  );
  // The definitions offered for an allowlist, as one list for every invocation that has it:
  // what is counted, hashed and redacted per list is then done once per loop, not per run.
  const offeredLists = new WeakMap<ReadonlySet<string>, ToolDefinition[]>();
  const offeredFor = (allowed: ReadonlySet<string>): ToolDefinition[] => {
    let offered = offeredLists.get(allowed);
    if (!offered) {
      offered = [...allowed].map((name) => definitions.get(name)!);
      offeredLists.set(allowed, offered);
    }
    return offered;
  };
  // Answers that call an unsafe tool are never served from the response cache.
  const toolEffects = Object.fromEntries(tools.map((tool) => [tool.name, tool.effect]));
  // Their output reaches the model as it is; every other tool's is fenced as untrusted.
  const trustedTools = tools.filter((tool) => tool.trustedOutput).map((tool) => tool.name);
  const approvals = options.approvals ?? {};
  // One settings object for every call of every invocation: the pipeline only reads it.
  const everyTool = new Set(byName.keys());
  const settings: ModelCallSettings = {
    ...options.modelCall,
    toolEffects,
    trustedTools,
    toolLoop: true,
    prompt: promptRefOf(options.prompt),
    // An answer the loop fails on or sends back is not stored: calls with invalid arguments go
    // back to the model, and an empty answer or one with too many calls fails the loop;
    // cached, every identical run for the cache's TTL would get the same, without a model call.
    usable: (response) =>
      response.toolCalls.length <= maxToolCallsPerAnswer &&
      (response.toolCalls.length > 0 || response.content.trim() !== '') &&
      response.toolCalls.every((call) => planToolCall(call, byName, everyTool).kind === 'valid'),
  };
  return createEffectLogic(
    { kind: 'tool-loop', modelAliases: [model], tools, blocksRest: true, schemas: [] },
    async (scope, input: TInput) => {
      const allowed = allowedFor(input);
      const offered = offeredFor(allowed);
      const messages = initialMessages(input, options.prompt, options.system).map((message) =>
        options.untrustedInput && message.role === 'user'
          ? { ...message, untrusted: true }
          : message,
      );
      // Untrusted content in the conversation: from then on unsafe calls need an approval.
      // A prompt that carries an earlier conversation on brings its tool results with it:
      // they are fenced as untrusted data, so they make unsafe calls ask just the same. So
      // does a prompt made from an earlier model answer of a run that had seen untrusted
      // content (a summary of a fetched page, a child agent's report): it is plain text
      // here, but it may carry the content's instructions.
      let untrusted =
        scope.run.untrustedSeen ||
        messages.some(
          (message) =>
            (message.role === 'user' && message.untrusted === true) ||
            (message.role === 'tool' && !trustedTools.includes(message.name)),
        );
      const primary = scope.run.runtime.models.get(model)?.[0];
      const repeats = new Map<string, number>();
      const unsettledKeys = new Map<string, string>();
      let invalidCalls = 0;
      let toolCalls = 0;
      for (let step = 1; step <= maxSteps; step++) {
        // A copy: the conversation grows after the call, the request must not. The optional
        // fields are set in the same order as before (the request hash reads them in order),
        // without an object made for each to be spread.
        const request: ChatRequest = { messages: [...messages], tools: offered };
        if (options.temperature !== undefined) request.temperature = options.temperature;
        if (options.maxOutputTokens !== undefined)
          request.maxOutputTokens = options.maxOutputTokens;
        const response = await scope.callModel(model, request, settings);
        assertComplete(response, 'tool loop');
        if (response.toolCalls.length === 0) {
          assertAnswered(response, toolCalls);
          messages.push({ role: 'assistant', content: response.content });
          return { content: response.content, messages, steps: step, toolCalls };
        }
        if (response.toolCalls.length > maxToolCallsPerAnswer) {
          const names = [...new Set(response.toolCalls.map((call) => call.name))];
          throw new RunError('loop.too_many_tool_calls', {
            message: `The model made ${response.toolCalls.length} tool calls in one answer (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}), more than the ${maxToolCallsPerAnswer} one answer may make; none of them ran. If the task needs that many at once, raise the loop's maxToolCallsPerAnswer; otherwise look for a runaway prompt or an instruction injected through a tool's output.`,
            details: { toolCalls: response.toolCalls.length, maxToolCallsPerAnswer, tools: names },
          });
        }
        const calls = distinctCallIds(response.toolCalls);
        messages.push({ role: 'assistant', content: response.content, toolCalls: [...calls] });
        const planned = markRepeatedActingCalls(
          await keepRecordedCalls(
            scope,
            calls.map((call) => planToolCall(call, byName, allowed)),
          ),
        );
        // A call counts once per answer: a model that asks the same pure lookup three times
        // in one answer is redundant, not looping (ADR 0082). Its copies still run — a pure
        // call changes nothing — and each keeps its journal key, so a resume or a replay of
        // an answer recorded before plans the same keys.
        const counted = new Set<string>();
        for (const call of planned) {
          if (call.kind !== 'valid') continue;
          const signature = signatureOf(call);
          if (counted.has(signature)) continue;
          counted.add(signature);
          const count = (repeats.get(signature) ?? 0) + 1;
          repeats.set(signature, count);
          if (count >= maxRepeats) {
            throw new RunError('loop.repeated_call', {
              message: `The model called "${call.tool.name}" with the same arguments ${count} times; the loop was stopped. Improve the tool's description or result so the model can make progress.`,
              details: { tool: call.tool.name, input: call.input, count },
            });
          }
        }
        for (const [index, call] of planned.entries()) {
          if (call.kind !== 'invalid') continue;
          scope.run.runtime.events.emit('tool.call.invalid', scope.threadId, {
            site: scope.site,
            callId: invalidCallId(scope, call.call.name, index),
            toolCallId: call.call.id,
            tool: call.call.name,
            message: call.message,
          });
        }
        const invalid = planned.filter((call) => call.kind === 'invalid').length;
        invalidCalls += invalid;
        if (invalid > 0 && invalidCalls > maxInvalidCalls) {
          const first = planned.find((call) => call.kind === 'invalid');
          throw new RunError('tool.invalid_arguments', {
            message: `The model made ${invalidCalls} invalid tool calls (more than ${maxInvalidCalls}); last: ${first?.message}`,
            ...(first?.issues ? { issues: first.issues } : {}),
            details: { calls: response.toolCalls },
          });
        }
        const results = await runToolCalls(scope, planned, {
          onToolError: options.onToolError ?? 'report',
          maxToolOutputTokens:
            options.maxToolOutputTokens ??
            toolOutputCapFor(primary, planned.length, options.maxOutputTokens),
          untrusted,
          approvals,
          unsettledKeys,
        });
        untrusted ||= results.untrusted;
        toolCalls += planned.filter((call) => call.kind === 'valid').length;
        messages.push(...results.messages);
      }
      throw new RunError('loop.step_limit', {
        message: `The tool loop made ${maxSteps} model calls without a final answer. Raise maxSteps if the task needs more, or check for a loop.`,
        details: { maxSteps, toolCalls },
      });
    },
  );
}

/** The cap on one tool result when the loop names none, for a model with a large window. */
const defaultToolOutputTokens = 8_000;

/**
 * The default cap on one tool result for `model`: {@link defaultToolOutputTokens}, or a
 * quarter of its context window (the window the budget plans against) when that is less.
 * `maxOutputTokens`: the loop's own, which the budget reserves in place of its default.
 */
function toolOutputCapFor(
  model: ChatModel | undefined,
  results: number,
  maxOutputTokens: number | undefined,
): number {
  const window = model?.metadata?.contextWindow || assumedContextWindow;
  const perResult = Math.min(defaultToolOutputTokens, Math.floor(window / 4));
  // One answer's results share half the window (its turn is the latest, never trimmed), and
  // no more than the window leaves beside the output the budget reserves by default (up to
  // half a small window, see planContext), its safety margin, an eighth for the prompt and
  // the calls and cut markers around each result: on a 4K model half the window and half
  // again for the answer would not fit.
  const reserve = maxOutputTokens ?? Math.min(4_096, Math.floor(window / 2));
  const shared = Math.min(
    Math.floor(window / 2),
    Math.floor(window * 0.95) - reserve - Math.floor(window / 8) - 64 * results,
  );
  return Math.max(1, Math.min(perResult, Math.floor(shared / Math.max(1, results))));
}

/**
 * The allowlist for one invocation, from `allowedTools`: every name must be one of the
 * loop's tools (checked at definition for a list, at each invocation for a function).
 */
function allowlistOf<TInput>(
  allowedTools: ToolLoopOptions<TInput>['allowedTools'],
  tools: ReadonlyMap<string, AnyTool>,
): (input: TInput) => ReadonlySet<string> {
  const check = (names: readonly string[]): ReadonlySet<string> => {
    if (!Array.isArray(names)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `toolLoop: allowedTools gave ${JSON.stringify(names)}; it must be a list of tool names.`,
      );
    }
    for (const name of names) {
      if (!tools.has(name)) {
        throw new DefinitionError(
          'definition.invalid_option',
          `toolLoop: allowedTools names "${name}", which is not one of the loop's tools (${[...tools.keys()].join(', ')}). Add the tool to tools, or fix the name.`,
        );
      }
    }
    return new Set(names);
  };
  if (allowedTools === undefined) {
    const all = new Set(tools.keys());
    return () => all;
  }
  if (typeof allowedTools === 'function') return (input) => check(allowedTools(input));
  const fixed = check(allowedTools);
  return () => fixed;
}

/**
 * Fails on a final answer with nothing in it — no text and no tool calls: returned, it would
 * pass as the loop's result while the model said nothing (some models end this way after
 * their last tool call, or when the endpoint lost what they sent).
 */
function assertAnswered(response: ChatResponse, toolCalls: number): void {
  if (response.content.trim() !== '') return;
  throw new RunError('output.empty', {
    message: `The model's final answer in the tool loop was empty: no text and no tool calls${toolCalls > 0 ? `, after ${toolCalls} tool call(s)` : ''}. Ask for a final answer in the prompt (say what it must contain), or handle output.empty in the chart's onError (entering the state again asks again).`,
    details: {
      output: response.content,
      finishReason: response.finishReason,
      toolCalls,
      usage: response.usage,
    },
  });
}

/**
 * Fails on an answer the loop cannot use as it is: a refusal, one stopped by the provider's
 * content filter, or one cut off at the output token limit (its tool calls or text may be
 * incomplete).
 */
function assertComplete(response: ChatResponse, what: string): void {
  if (response.finishReason === 'refusal' || response.refusal) {
    throw new RunError('output.refused', {
      message: `The model refused to answer in the ${what}: ${response.refusal ?? response.content}`,
      details: { refusal: response.refusal ?? response.content },
    });
  }
  // Its text is what the filter let through, perhaps half a sentence: never a final answer.
  if (response.finishReason === 'content_filter') {
    throw new RunError('output.filtered', {
      message: `The provider's content filter stopped the model's answer in the ${what}${response.content ? ' part-way' : ''}; its text or tool calls may be incomplete. Rephrase the request or route this input elsewhere.`,
      details: { output: response.content, toolCalls: response.toolCalls, usage: response.usage },
    });
  }
  if (response.finishReason === 'length') {
    throw new RunError('output.truncated', {
      message: `The model's answer in the ${what} was cut off at its output token limit; its text or tool calls may be incomplete. Raise maxOutputTokens or ask for less.`,
      details: { output: response.content, toolCalls: response.toolCalls, usage: response.usage },
    });
  }
}
