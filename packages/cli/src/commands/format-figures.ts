/**
 * US dollars as the CLI prints them: `$0.00123`. A cost that five decimals round to nothing
 * is `<$0.00001`: a cheap model's call is not shown as free, like a cache hit's `$0.00000`.
 */
export function formatCost(usd: number): string {
  const shown = usd.toFixed(5);
  return usd > 0 && Number(shown) === 0 ? '<$0.00001' : `$${shown}`;
}

/** A count with thousands separators: `12,345`. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/** A duration in milliseconds: `420 ms`, `3.2 s`, `4.5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** A count and its noun, made plural unless the count is one: `1 model call`, `5 steps`. */
export function counted(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/** What a run used, in one line: `2 model calls, 1,234 tokens, $0.00012, 1 tool call, 4 steps`. */
export function formatUsage(usage: {
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  toolCalls: number;
  steps: number;
}): string {
  return [
    counted(usage.modelCalls, 'model call'),
    counted(usage.inputTokens + usage.outputTokens, 'token'),
    formatCost(Number(usage.costUsd)),
    counted(usage.toolCalls, 'tool call'),
    counted(usage.steps, 'step'),
  ].join(', ');
}
