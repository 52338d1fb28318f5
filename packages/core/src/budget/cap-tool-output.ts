import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import { estimateTokenCounter } from './create-token-counter';
import { cutOutside, type KeptWhole } from './cut-outside';
import { prefixWithinTokens, suffixWithinTokens } from './text-within-tokens';
import type { TokenCounter } from './token-counter';

/** Options of {@link capToolOutput}. */
export interface CapToolOutputOptions {
  /** The most tokens the output may take in the history, marker included. */
  maxTokens: number;
  /** Default: the built-in estimate. */
  counter?: TokenCounter | undefined;
  /** What to keep: the head only, or head and tail (logs end with the error). Default `head-and-tail`. */
  keep?: 'head' | 'head-and-tail' | undefined;
  /** The tool's name, for the marker. */
  tool?: string | undefined;
  /**
   * Stretches of the output a cut must not fall inside, as `[start, end)` offsets, asked for
   * only when the output is cut: the agent passes where its redactor's secrets lie, so a cut
   * drops a secret whole or keeps it whole, never leaves a part no redaction recognises.
   */
  keepWhole?: ((output: string) => KeptWhole) | undefined;
}

/** What {@link capToolOutput} returns. */
export interface CapToolOutputResult {
  content: string;
  truncated: boolean;
  /** Characters of the output as the tool returned it. */
  originalCharacters: number;
  /** Characters of the output kept (marker excluded). */
  keptCharacters: number;
}

/**
 * Caps a tool's output before it enters the history, so one 10 MB answer cannot crowd out
 * the conversation (or be sent again on every later call). A cut output keeps its head (and
 * tail) and says, in the text the model reads, that it was truncated and how much — so the
 * model can ask for less instead of reasoning from a silently partial result. Only slices
 * near the kept size are counted, never the whole output. A truncated JSON output is no
 * longer valid JSON; the marker tells the model why.
 */
export function capToolOutput(output: string, options: CapToolOutputOptions): CapToolOutputResult {
  checkCapOptions(options);
  const { maxTokens, counter = estimateTokenCounter, keep = 'head-and-tail', tool } = options;
  const unchanged = {
    content: output,
    truncated: false,
    originalCharacters: output.length,
    keptCharacters: output.length,
  };
  // A UTF-16 unit is at most 3 UTF-8 bytes and no token is shorter than a byte.
  if (output.length * 3 <= maxTokens) return unchanged;
  // Count whole only what is plausibly near the cap; anything far larger is over it.
  if (output.length <= maxTokens * 12 && counter.countText(output) <= maxTokens) return unchanged;
  const marker = (omitted: number) =>
    `\n[… truncated by agentchart: ${omitted} of ${output.length} characters of ${tool ? `"${tool}" ` : ''}tool output omitted to stay within ${maxTokens} tokens; ask for a narrower result …]\n`;
  const budget = maxTokens - counter.countText(marker(output.length));
  if (budget <= 0) {
    return {
      content: marker(output.length),
      truncated: true,
      originalCharacters: output.length,
      keptCharacters: 0,
    };
  }
  const headBudget = keep === 'head' ? budget : Math.ceil(budget * 0.7);
  let head = prefixWithinTokens(output, headBudget, counter);
  let tail = keep === 'head' ? '' : suffixWithinTokens(output, budget - headBudget, counter);
  const spans = options.keepWhole?.(output) ?? [];
  if (spans.length > 0) {
    // Shorter only: a head ends before a stretch it would cut, a tail starts after it.
    head = output.slice(0, cutOutside(head.length, spans, 'before'));
    const tailStart = cutOutside(output.length - tail.length, spans, 'after');
    tail = tailStart >= output.length ? '' : output.slice(tailStart);
  }
  const kept = head.length + tail.length;
  return {
    content: head + marker(output.length - kept) + tail,
    truncated: true,
    originalCharacters: output.length,
    keptCharacters: kept,
  };
}

/**
 * A cap of NaN, 0 or below, or one misspelt (`maxToken`), replaced the whole output with the
 * truncation marker: the model read that a result existed and none of it.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
function checkCapOptions(options: CapToolOutputOptions): void {
  checkOptionNames('capToolOutput', options, ['maxTokens', 'counter', 'keep', 'tool', 'keepWhole']);
  validateNumberOption('capToolOutput', 'maxTokens', options.maxTokens, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of tokens the output may take in the history, 1 or more',
  });
  const { keep, keepWhole } = options;
  if (keepWhole !== undefined && typeof keepWhole !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `capToolOutput: keepWhole is ${describeValue(keepWhole)}. Give a function of the output that returns the [start, end) stretches a cut must not split.`,
    );
  }
  if (keep !== undefined && keep !== 'head' && keep !== 'head-and-tail') {
    throw new DefinitionError(
      'definition.invalid_option',
      `capToolOutput: keep is ${describeValue(keep)}. Give 'head' or 'head-and-tail' (the default: logs end with the error).`,
    );
  }
}
