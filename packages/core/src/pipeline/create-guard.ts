import { DefinitionError } from '../errors/definition-error';
import { describeThrown } from '../errors/describe-thrown';
import { checkOptionNames, describeValue } from '../errors/option-names';
import type { ChatRequest, ChatResponse } from '../model/types';
import { guardBlockedError } from './guard-blocked-error';
import { HeldTokens } from './held-tokens';
import { tokenSinkOf } from './token-sink';
import type { ModelCall, ModelCallMiddleware } from './types';

/**
 * What a guard's check decides: nothing (the call goes on), `{ block: reason }` (it stops,
 * and the effect fails with `guard.blocked`), or `{ replace: value }` (it goes on with the
 * value changed — PII taken out of a request, say). A replaced request is what the model and
 * the response cache get; the journal and `llm.call.start` keep the request as the effect made
 * it, so keep PII out of storage with the agent's `redact: { patterns }`.
 */
export type GuardVerdict<T> = undefined | { block: string } | { replace: T };

/** Options of {@link createGuard}. */
export interface GuardOptions {
  /** Named in the `guard.blocked` error and the `guard.block` event. */
  name: string;
  /**
   * Checks a request before it is sent, as the context budget fitted it. A check that throws
   * or rejects (its classifier is down) blocks the request: `guard.blocked` with
   * `details.checkFailed: true` and the thrown error as `cause`.
   */
  input?:
    | ((
        request: ChatRequest,
        call: ModelCall,
      ) => GuardVerdict<ChatRequest> | Promise<GuardVerdict<ChatRequest>>)
    | undefined;
  /**
   * Checks an answer before the effect uses it: each answer of a structured or tool call, and
   * a tool loop's final answer — not, unless `toolCallTurns` is set, its turns that call
   * tools, as OpenAI Agents SDK output guardrails see only an agent's final output: a check
   * written for what the user reads (it must cite a source, be on topic, pass a moderation
   * API) would block or pay for every turn that only calls a tool. A blocked answer was paid for: the journal
   * records it with its usage and cost, and the effect fails with `guard.blocked` (on a
   * resume too). Its streamed deltas wait for the check: `llm.token` gets those of an answer
   * it passes, the text of one it replaces, and nothing of one it blocks. A check that throws
   * or rejects blocks the answer the same way (`details.checkFailed: true`): it was paid for
   * and is counted all the same.
   */
  output?:
    | ((
        response: ChatResponse,
        call: ModelCall,
      ) => GuardVerdict<ChatResponse> | Promise<GuardVerdict<ChatResponse>>)
    | undefined;
  /**
   * Has `output` check a tool loop's turns that call tools too: their arguments go to the
   * tools, their text (a "let me look that up") to `llm.token` listeners. Default false: such
   * a turn goes on unchecked, and its text streams as an unguarded answer's does.
   */
  toolCallTurns?: boolean | undefined;
}

/**
 * A guard as model-call middleware: input and output checks around every model call of the
 * agent (give it to `createAgent({ middleware })`). What it stops fails the calling effect
 * with a `guard.blocked` {@link RunError} — `details.guard`, `details.stage`,
 * `details.reason` — that the chart routes like any other failure. A check that throws fails
 * closed: what it could not check is blocked, with `details.checkFailed: true`.
 *
 * @example
 * ```ts
 * const noCardNumbers = createGuard({
 *   name: 'no-card-numbers',
 *   output: (response) =>
 *     /\b\d{4}([ -]?\d{4}){3}\b/.test(response.content) ? { block: 'the answer holds a card number' } : undefined,
 * });
 * createAgent({ machine, models, middleware: [noCardNumbers] });
 * ```
 */
export function createGuard(options: GuardOptions): ModelCallMiddleware {
  checkGuardOptions(options);
  const { name, input, output, toolCallTurns = false } = options;
  return {
    name,
    async call(call, next) {
      const { scope, callId } = call;
      const report = (stage: 'input' | 'output', reason: string) =>
        scope.run.events.emit('guard.block', scope.threadId, {
          site: scope.site,
          callId,
          guard: name,
          stage,
          reason,
        });
      let current = call;
      if (input) {
        const verdict = await checkOrBlock(() => input(call.request, call));
        if (verdict && 'block' in verdict) {
          report('input', verdict.block);
          throw guardBlockedError({
            guard: name,
            reason: verdict.block,
            stage: 'input',
            model: call.models[0]!.modelName,
            ...('failed' in verdict ? { checkFailed: true, thrown: verdict.thrown } : {}),
          });
        }
        if (verdict && 'replace' in verdict) current = { ...call, request: verdict.replace };
      }
      // An answer's deltas wait for its check: streamed as they came, a blocked answer
      // would already be on the user's screen when the guard stopped it.
      const sink = output && tokenSinkOf(current);
      const held = sink ? new HeldTokens(sink) : undefined;
      const outcome = await next(held ? { ...current, onToken: held.hold } : current);
      if (!output || outcome.blocked) return outcome;
      if (!toolCallTurns && isToolCallTurn(current, outcome.response)) {
        held?.release();
        return outcome;
      }
      const verdict = await checkOrBlock(() => output(outcome.response, current));
      if (verdict && 'block' in verdict) {
        report('output', verdict.block);
        const blocked = { guard: name, reason: verdict.block };
        return {
          ...outcome,
          blocked: 'failed' in verdict ? { ...blocked, checkFailed: true } : blocked,
        };
      }
      if (verdict && 'replace' in verdict) {
        held?.replaceWith(verdict.replace);
        return { ...outcome, response: verdict.replace };
      }
      held?.release();
      return outcome;
    },
  };
}

/** A tool loop's answer that calls tools: the loop goes on with them, the chart never sees it. */
function isToolCallTurn(call: ModelCall, response: ChatResponse): boolean {
  return call.settings.toolLoop === true && response.toolCalls.length > 0;
}

/**
 * The check's verdict, or a block when it throws or rejects. Fails closed: a check that could
 * not run let nothing through, and an answer it was to check was paid for, so the failure
 * must reach the journal as a blocked call (with its usage) rather than as an error that
 * loses the call's record.
 */
async function checkOrBlock<T>(
  check: () => GuardVerdict<T> | Promise<GuardVerdict<T>>,
): Promise<GuardVerdict<T> | { block: string; failed: true; thrown: unknown }> {
  try {
    return await check();
  } catch (error) {
    return { block: `its check failed (${describeThrown(error)})`, failed: true, thrown: error };
  }
}

/**
 * A misspelt check (`ouput`) or one that is not a function would make a guard that lets
 * everything through without a word.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
function checkGuardOptions(options: GuardOptions): void {
  checkOptionNames('createGuard', options, ['name', 'input', 'output', 'toolCallTurns']);
  const { name, input, output, toolCallTurns } = options;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new DefinitionError(
      'definition.invalid_option',
      `createGuard: name is ${describeValue(name)}. Give the guard a name ('no-card-numbers'): the guard.blocked error and the guard.block event report it.`,
    );
  }
  for (const [stage, check] of [
    ['input', input],
    ['output', output],
  ] as const) {
    if (check !== undefined && typeof check !== 'function') {
      throw new DefinitionError(
        'definition.invalid_option',
        `createGuard "${name}": ${stage} is ${describeValue(check)}. Give a function of the ${stage === 'input' ? 'request' : 'response'} that returns undefined, { block: reason } or { replace: value }.`,
      );
    }
  }
  if (toolCallTurns !== undefined && typeof toolCallTurns !== 'boolean') {
    throw new DefinitionError(
      'definition.invalid_option',
      `createGuard "${name}": toolCallTurns is ${describeValue(toolCallTurns)}; give true or false.`,
    );
  }
  if (input === undefined && output === undefined) {
    throw new DefinitionError(
      'definition.invalid_option',
      `createGuard "${name}" has neither an input nor an output check, so it would let every call through. Give input (checks a request before it is sent), output (checks an answer before it is used), or both.`,
    );
  }
}
