import type { SerializedError } from '@agentchart/core';
import { errorTypeOf } from './error-type';

/**
 * The status message of a failed span. An error's message says what input caused it, and
 * that input is often the model's own text — a refusal quotes the model, an invalid answer
 * its output, a failed tool its arguments — so without content capture the message is only
 * the error's stable code (its `error.type`), never its text.
 */
export function statusMessage(
  error: SerializedError | undefined,
  captureContent: boolean,
): string | undefined {
  if (captureContent) return error?.message;
  return errorTypeOf(error);
}
