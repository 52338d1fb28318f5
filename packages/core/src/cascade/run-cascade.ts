import type { z } from 'zod';
import { AgentchartError } from '../errors/agentchart-error';
import { DefinitionError } from '../errors/definition-error';
import { RunError } from '../errors/run-error';
import type { ChatResponse } from '../model/types';
import type { StructuredOutputFailure, StructuredOutputResult } from './parse-structured-output';

/** Why a cascade moved on to a stronger model. */
export interface Escalation {
  /** The model alias that answered. */
  from: string;
  to: string;
  /**
   * `context_too_large`: the request did not fit the cheaper model's window — refused before
   * it was sent (`budget.exceeded`) or by its server (`model.context_length`).
   */
  reason: 'low_confidence' | 'invalid_output' | 'context_too_large';
  /** What was wrong: the validation issues, what `escalateWhen` said, or the error's message. */
  detail: string;
}

/** What a cascade returns. */
export interface CascadeResult<T> {
  output: T;
  /** The alias of the model whose answer was kept. */
  model: string;
  /** Index of that model in the cascade: 0 when the cheapest answered well. */
  tier: number;
  escalations: Escalation[];
}

/** Options of {@link runCascade}. */
export interface RunCascadeOptions<T> {
  /** Model aliases, cheapest first. */
  models: readonly string[];
  /**
   * Calls one model with the cascade's request; `escalation` is why the cheaper model's
   * answer was not kept (absent for the first model).
   */
  call(model: string, tier: number, escalation?: Escalation): Promise<ChatResponse>;
  parse(response: ChatResponse): StructuredOutputResult<T>;
  /**
   * True (or a reason string) when a valid answer is not good enough and the next model
   * should try, e.g. `(output) => output.confidence < 0.7`. Not asked of the last model.
   */
  // Typed as a method (checked as methods are: a narrower parameter is taken) that may be
  // undefined, as every option may (ADR 0080, 0090).
  escalateWhen?: { escalateWhen(output: T): boolean | string }['escalateWhen'] | undefined;
}

/** True for an error saying the request does not fit the model's context window. */
function tooLargeFor(error: unknown): boolean {
  if (!AgentchartError.isInstance(error)) return false;
  return error.code === 'budget.exceeded' || error.code === 'model.context_length';
}

/**
 * The cascade itself, free of any runtime: the cheapest model answers; an answer that fails
 * validation, or that `escalateWhen` judges weak, or a request too large for its window,
 * goes to the next model; the last model's
 * valid answer is kept whatever its confidence. The last model's unusable answer fails the
 * cascade with its own code (`output.invalid`, `output.refused`, `output.truncated`,
 * `output.filtered`), carrying every escalation.
 */
export async function runCascade<T>({
  models,
  call,
  parse,
  escalateWhen,
}: RunCascadeOptions<T>): Promise<CascadeResult<T>> {
  if (models.length === 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      "runCascade: models is empty. Give at least one model alias, cheapest first, such as ['small', 'strong'].",
    );
  }
  const escalations: Escalation[] = [];
  let lastIssues: z.core.$ZodIssue[] = [];
  let lastReason = '';
  let lastCode: StructuredOutputFailure = 'output.invalid';
  for (const [tier, model] of models.entries()) {
    const next = models[tier + 1];
    let response: ChatResponse;
    try {
      response = await call(model, tier, escalations.at(-1));
    } catch (error) {
      // A smaller window than the request needs is the cheaper tier's limit, not the
      // request's fault: the next, usually larger, model may take it. Any other failure
      // (an outage after retries, a bad key) is not hidden by paying for the next tier.
      if (next === undefined || !tooLargeFor(error)) throw error;
      escalations.push({
        from: model,
        to: next,
        reason: 'context_too_large',
        detail: (error as Error).message,
      });
      continue;
    }
    const parsed = parse(response);
    if (parsed.ok) {
      const verdict = next === undefined ? false : (escalateWhen?.(parsed.value) ?? false);
      if (verdict === false) return { output: parsed.value, model, tier, escalations };
      escalations.push({
        from: model,
        to: next!,
        reason: 'low_confidence',
        detail: typeof verdict === 'string' ? verdict : 'escalateWhen returned true',
      });
      continue;
    }
    lastIssues = parsed.issues;
    lastReason = parsed.reason;
    lastCode = parsed.code ?? 'output.invalid';
    if (next !== undefined)
      escalations.push({ from: model, to: next, reason: 'invalid_output', detail: parsed.reason });
  }
  // Typed as the last model's failure: a refusal stays a refusal, not an invalid answer.
  throw new RunError(lastCode, {
    message: `Every model of the cascade (${models.join(' → ')}) failed to give a valid answer; the last said: ${lastReason}. Check the prompt and schema, or add a stronger model at the end.`,
    issues: lastIssues,
    details: { models: [...models], escalations },
  });
}
