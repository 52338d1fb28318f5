/** `$0.00123`: costs are small; four significant digits say enough. */
export function formatCost(usd: number | undefined): string {
  if (usd === undefined) return '–';
  if (usd === 0) return '$0';
  return `$${usd < 0.01 ? usd.toPrecision(3) : usd.toFixed(4)}`;
}

/** `850 ms`, `12.4 s`, `3 min 05 s`, `5 h 07 min`, `4 d 02 h`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60)
    return `${minutes} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${String(hours % 24).padStart(2, '0')} h`;
}

/**
 * A run's time: how long it worked, from its start to its last checkpoint, and for a run that
 * waits how long it has waited since (`256 ms, waiting 4 d 02 h`): a run waiting days for a
 * person worked only for the first part.
 */
export function formatRunTime(
  run: { status: string; durationMs: number; updatedAt: number },
  now: number,
): string {
  const worked = formatDuration(run.durationMs);
  if (run.status !== 'waiting') return worked;
  return `${worked}, waiting ${formatDuration(Math.max(0, now - run.updatedAt))}`;
}

/** `1,234` */
export function formatCount(value: number | undefined): string {
  return value === undefined ? '–' : value.toLocaleString('en-US');
}

/** A local time, `2026-12-04 22:46:17`. */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return String(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A value as indented JSON, cut when very long, with its invisible characters shown. */
export function formatJson(value: unknown, max = 20_000): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? 'undefined');
  return visibleText(
    text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text,
  );
}

/**
 * Characters that change how text looks without being seen, as core's approval prompts
 * (`visibleJson`) and the CLI (`terminalSafe`) write them out: every code point Unicode says
 * to render as nothing (zero-width spaces and joiners, the bidirectional marks, overrides and
 * isolates, the tag characters…), the controls, and the line and paragraph separators.
 */
const invisible = /[\p{Default_Ignorable_Code_Point}\p{Cc}\u2028\u2029\ufff9-\ufffb]/gu;

/**
 * `text` as the page shows what a run stored (thread ids, agent names, prompts, values): every
 * invisible or reordering character written as a `\uXXXX` escape, line breaks and tabs kept.
 * A right-to-left override would otherwise show `pay:T-\u202e102` as `pay:T-201`, another
 * thread, and an approval's arguments as other arguments.
 *
 * @example
 * ```ts
 * visibleText('pay:T-\u202e102'); // 'pay:T-\\u202e102'
 * ```
 */
export function visibleText(text: string): string {
  return text.replace(invisible, (character) => {
    if (character === '\n' || character === '\t') return character;
    let out = '';
    for (let index = 0; index < character.length; index++) {
      out += `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`;
    }
    return out;
  });
}
