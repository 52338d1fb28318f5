import { headOf } from '@agentchart/core/internal';

/** The longest summary of a wait the run list shows. */
const maxSummaryCharacters = 200;

/**
 * What a waiting run asks, in one line, from its open wait's journaled input: a `humanWait`'s
 * prompt as it is; a tool call's approval as the tool and its arguments; anything else as
 * JSON. Cut to 200 characters: the run list shows one line per run.
 */
export function waitSummary(input: unknown): string {
  const text =
    typeof input === 'string'
      ? input
      : isApproval(input)
        ? `approve ${input.tool} ${JSON.stringify(input.arguments) ?? ''}`.trimEnd()
        : (JSON.stringify(input) ?? '');
  return text.length > maxSummaryCharacters ? `${headOf(text, maxSummaryCharacters - 1)}…` : text;
}

function isApproval(input: unknown): input is { tool: string; arguments: unknown } {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { tool?: unknown }).tool === 'string' &&
    'arguments' in input
  );
}
