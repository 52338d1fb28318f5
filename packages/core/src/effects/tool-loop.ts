import type { PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import type { CallsModels } from '../agent/model-aliases';
import { capToolOutput } from '../budget/cap-tool-output';
import { AgentchartError } from '../errors/agentchart-error';
import { DefinitionError } from '../errors/definition-error';
import { RunError } from '../errors/run-error';
import type { ChatMessage, ChatResponse, ToolCallRequest } from '../model/types';
import type { ModelCallSettings } from '../pipeline/types';
import { promptRefOf } from '../prompt/define-prompt';
import { validateNumberOption } from '../reliability/validate-option';
import type { AnyTool } from '../tools/types';
import { createEffectLogic } from './create-effect-logic';
import type { EffectScope } from './effect-scope';
import { executeTool } from './execute-tool';
import { initialMessages, type PromptFunction, type SystemPrompt } from './prompt';

/** Options of {@link toolLoop}. */
export interface ToolLoopOptions<TInput, TModel extends string = string> {
  /** The model alias given to `createAgent({ models })`. */
  model: TModel;
  tools: readonly AnyTool[];
  prompt: PromptFunction<TInput>;
  system?: SystemPrompt<TInput>;
  temperature?: number;
  /**
   * The most output tokens each model call may produce. Also what the run's `maxTokens` and
   * `maxCostUsd` limits project each call with (see `RunLimits`).
   */
  maxOutputTokens?: number;
  /** Model calls the loop may make before it fails with `loop.step_limit`. Default 10. */
  maxSteps?: number;
  /** Invalid tool calls (bad arguments, unknown tool) sent back before failing; 0 fails on the first. Default 3. */
  maxInvalidCalls?: number;
  /** The same tool with the same arguments this many times fails with `loop.repeated_call`. At least 2. Default 3. */
  maxRepeats?: number;
  /** The most tokens one tool result may take in the history; larger ones are cut with a marker. Default 8,000. */
  maxToolOutputTokens?: number;
  /** This loop's context budget and cache settings, over the agent's. */
  modelCall?: Pick<ModelCallSettings, 'budget' | 'cache'>;
  /**
   * What a failing tool does: `report` sends the error to the model as the tool's result so
   * it can recover (default); `fail` ends the loop with the tool's error.
   */
  onToolError?: 'report' | 'fail';
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

/**
 * Actor logic for a tool-calling loop: model → tool calls → model … until the model answers
 * without tools. Arguments are validated before anything runs (invalid ones go back to the
 * model with the zod issues, bounded); independent calls run in parallel, `unsafe` tools one
 * at a time; a step limit and repeated-call detection stop runaway loops.
 */
export function toolLoop<TInput = unknown, const TModel extends string = string>(
  options: ToolLoopOptions<TInput, TModel>,
): PromiseActorLogic<ToolLoopResult, TInput> & CallsModels<TModel> {
  const { model, tools, maxSteps = 10, maxInvalidCalls = 3, maxRepeats = 3 } = options;
  const maxToolOutputTokens = options.maxToolOutputTokens ?? 8_000;
  checkLoopOptions({ ...options, maxSteps, maxInvalidCalls, maxRepeats, maxToolOutputTokens });
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
  const definitions = tools.map(({ name, description, parameters }) => ({
    name,
    description,
    parameters,
  }));
  // Answers that call an unsafe tool are never served from the response cache.
  const toolEffects = Object.fromEntries(tools.map((tool) => [tool.name, tool.effect]));
  const settings = { ...options.modelCall, toolEffects, prompt: promptRefOf(options.prompt) };
  return createEffectLogic(
    { kind: 'tool-loop', modelAliases: [model], tools, blocksRest: true, schemas: [] },
    async (scope, input: TInput) => {
      const messages = initialMessages(input, options.prompt, options.system);
      const repeats = new Map<string, number>();
      let invalidCalls = 0;
      let toolCalls = 0;
      for (let step = 1; step <= maxSteps; step++) {
        const response = await scope.callModel(
          model,
          {
            // A copy: the conversation grows after the call, the request must not.
            messages: [...messages],
            tools: definitions,
            ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
            ...(options.maxOutputTokens === undefined
              ? {}
              : { maxOutputTokens: options.maxOutputTokens }),
          },
          settings,
        );
        assertComplete(response, 'tool loop');
        if (response.toolCalls.length === 0) {
          messages.push({ role: 'assistant', content: response.content });
          return { content: response.content, messages, steps: step, toolCalls };
        }
        messages.push({
          role: 'assistant',
          content: response.content,
          toolCalls: response.toolCalls,
        });
        const planned = response.toolCalls.map((call) => planCall(call, byName));
        for (const call of planned) {
          if (call.kind !== 'valid') continue;
          const signature = `${call.tool.name}:${stableStringify(call.input)}`;
          const count = (repeats.get(signature) ?? 0) + 1;
          repeats.set(signature, count);
          if (count >= maxRepeats) {
            throw new RunError('loop.repeated_call', {
              message: `The model called "${call.tool.name}" with the same arguments ${count} times; the loop was stopped. Improve the tool's description or result so the model can make progress.`,
              details: { tool: call.tool.name, input: call.input, count },
            });
          }
        }
        for (const call of planned) {
          if (call.kind !== 'invalid') continue;
          scope.run.runtime.events.emit('tool.call.invalid', scope.threadId, {
            site: scope.site,
            callId: call.call.id,
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
        const results = await runCalls(
          scope,
          planned,
          options.onToolError ?? 'report',
          maxToolOutputTokens,
        );
        toolCalls += planned.filter((call) => call.kind === 'valid').length;
        messages.push(...results);
      }
      throw new RunError('loop.step_limit', {
        message: `The tool loop made ${maxSteps} model calls without a final answer. Raise maxSteps if the task needs more, or check for a loop.`,
        details: { maxSteps, toolCalls },
      });
    },
  );
}

type PlannedCall =
  | { kind: 'valid'; call: ToolCallRequest; tool: AnyTool; input: unknown }
  | { kind: 'invalid'; call: ToolCallRequest; message: string; issues?: z.core.$ZodIssue[] };

function planCall(call: ToolCallRequest, tools: ReadonlyMap<string, AnyTool>): PlannedCall {
  const tool = tools.get(call.name);
  if (!tool) {
    return {
      kind: 'invalid',
      call,
      message: `Unknown tool "${call.name}". Available tools: ${[...tools.keys()].join(', ')}.`,
    };
  }
  let raw: unknown;
  try {
    raw = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch (error) {
    return {
      kind: 'invalid',
      call,
      message: `Arguments for "${call.name}" are not valid JSON (${(error as Error).message}). Send a JSON object.`,
    };
  }
  const parsed = tool.input.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue: z.core.$ZodIssue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return {
      kind: 'invalid',
      call,
      message: `Invalid arguments for "${call.name}": ${detail}. Call it again with arguments that match its schema.`,
      issues: parsed.error.issues,
    };
  }
  return { kind: 'valid', call, tool, input: parsed.data };
}

/** Runs valid calls (safe ones in parallel, unsafe ones in order) and answers every call. */
async function runCalls(
  scope: EffectScope,
  planned: PlannedCall[],
  onToolError: 'report' | 'fail',
  maxToolOutputTokens: number,
): Promise<ChatMessage[]> {
  const answer = async (planned: PlannedCall): Promise<ChatMessage> => {
    const base = { role: 'tool' as const, toolCallId: planned.call.id, name: planned.call.name };
    // A 10 MB tool result must not flood the history: cut it, with a marker the model reads.
    const capped = (content: string) =>
      capToolOutput(content, { maxTokens: maxToolOutputTokens, tool: planned.call.name }).content;
    if (planned.kind === 'invalid')
      return { ...base, content: JSON.stringify({ error: planned.message }) };
    try {
      // The journal keeps the text the model reads, capped like the history, not the whole
      // output: what a resume returns is what the model saw.
      const content = await executeTool(scope, planned.tool, planned.input, {
        present: (output) => capped(JSON.stringify(output ?? null)),
      });
      return { ...base, content: content as string };
    } catch (error) {
      // An ambiguous unsafe call goes to the chart (onError), never back to the model, which
      // could call the tool again under a new key and act twice.
      const ambiguous = AgentchartError.isInstance(error) && error.code === 'effect.ambiguous';
      if (onToolError === 'fail' || scope.signal.aborted || ambiguous) throw error;
      return { ...base, content: capped(JSON.stringify({ error: (error as Error).message })) };
    }
  };
  // Keys are allocated in call order, so resumes replay the same calls under the same keys.
  const results: Promise<ChatMessage>[] = [];
  let unsafeChain: Promise<unknown> = Promise.resolve();
  for (const call of planned) {
    if (call.kind === 'valid' && call.tool.effect === 'unsafe') {
      const result = unsafeChain.then(() => answer(call));
      unsafeChain = result.catch(() => undefined);
      results.push(result);
    } else {
      results.push(answer(call));
    }
  }
  return Promise.all(results);
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` count as the same call. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a.localeCompare(b),
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Fails on an answer the loop cannot use as it is: a refusal, or one cut off at the output
 * token limit (its tool calls or text may be incomplete).
 */
function assertComplete(response: ChatResponse, what: string): void {
  if (response.finishReason === 'refusal' || response.refusal) {
    throw new RunError('output.refused', {
      message: `The model refused to answer in the ${what}: ${response.refusal ?? response.content}`,
      details: { refusal: response.refusal ?? response.content },
    });
  }
  if (response.finishReason === 'length') {
    throw new RunError('output.truncated', {
      message: `The model's answer in the ${what} was cut off at its output token limit; its text or tool calls may be incomplete. Raise maxOutputTokens or ask for less.`,
      details: { output: response.content, toolCalls: response.toolCalls, usage: response.usage },
    });
  }
}

/** Refuses loop options that make no sense, at definition time. */
function checkLoopOptions({
  maxSteps,
  maxInvalidCalls,
  maxRepeats,
  maxToolOutputTokens,
  maxOutputTokens,
}: {
  maxSteps: number;
  maxInvalidCalls: number;
  maxRepeats: number;
  maxToolOutputTokens: number;
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
  if (maxOutputTokens !== undefined) {
    validateNumberOption(
      'toolLoop',
      'maxOutputTokens',
      maxOutputTokens,
      whole(1, 'a whole number of tokens, at least 1'),
    );
  }
}
