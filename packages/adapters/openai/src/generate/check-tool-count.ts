import { DefinitionError, ModelCallError } from '@agentchart/core';

/** The most tools OpenAI's chat completions accept in one request; more is answered with a 400. */
export const openAIMaxTools = 128;

/** Where a tool limit comes from, for the error's advice. */
export interface ToolLimit {
  /** The most tools one request may offer; `Infinity` for no limit. */
  maxTools: number;
  /** The factory whose `maxTools` option sets it, e.g. `openAIChatModel`. */
  owner: string;
}

/**
 * Checks a `maxTools` option when the model is defined.
 *
 * @throws DefinitionError `definition.invalid_option` for anything but a whole number of at
 * least 1, or `Infinity`.
 */
export function checkMaxTools(owner: string, maxTools: number): void {
  const valid =
    maxTools === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxTools) && maxTools >= 1);
  if (!valid) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: option maxTools is ${String(maxTools)}. Give the most tools the endpoint takes in one request, a whole number of at least 1, or Infinity for no limit.`,
    );
  }
}

/**
 * Refuses a request that offers more tools than the endpoint takes, before anything is sent:
 * the provider would answer with a 400 after the request crossed the network, and a
 * fallback with a higher limit can take the call instead (kind `too_many_tools`, not retried).
 *
 * @throws ModelCallError `model.too_many_tools` saying how many tools, the limit, and what to do.
 */
export function checkToolCount(
  count: number,
  { maxTools, owner }: ToolLimit,
  endpoint: string,
): void {
  if (count <= maxTools) return;
  throw new ModelCallError({
    kind: 'too_many_tools',
    endpoint,
    message:
      `Model call to ${endpoint} was not sent: the request offers ${count} tools, and the endpoint takes at most ${maxTools} in one request. ` +
      "Offer fewer at a time (toolLoop's allowedTools narrows the tools of a state, or split the work across states), " +
      `or, for a server that takes more, raise ${owner}'s maxTools option.`,
  });
}
