/** A NUL character, or a UTF-16 surrogate without its other half. */
const unstorableCharacter =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
  /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where in a job's data a text sits that PostgreSQL's `jsonb` cannot hold, and why. */
export interface UnstorableText {
  /** The path from the job's field: `input["notes"][2]`, or `input["a\u0000"] (a key)`. */
  path: string;
  reason: string;
}

/**
 * The first text in `value` (a string, or an object's key) that PostgreSQL's `jsonb` refuses,
 * or undefined. pg-boss keeps a job's data as `jsonb`, which holds no NUL character (JSON's
 * `\u0000`: "unsupported Unicode escape sequence") and no lone surrogate (`\ud800`: "invalid
 * input syntax"), whereas a checkpoint, kept as text, holds both. Walked without recursion,
 * so data nested deeper than the stack is measured rather than thrown on.
 */
export function unstorableText(value: unknown, root: string): UnstorableText | undefined {
  const pending: Array<{ item: unknown; path: string }> = [{ item: value, path: root }];
  const seen = new Set<object>();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { item, path } = next;
    if (typeof item === 'string') {
      const reason = reasonOf(item);
      if (reason) return { path, reason };
      continue;
    }
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    if (Array.isArray(item)) {
      for (const [index, child] of item.entries()) {
        pending.push({ item: child, path: `${path}[${index}]` });
      }
      continue;
    }
    for (const [key, child] of Object.entries(item)) {
      const keyPath = `${path}[${JSON.stringify(key)}]`;
      const reason = reasonOf(key);
      if (reason) return { path: `${keyPath} (a key)`, reason };
      pending.push({ item: child, path: keyPath });
    }
  }
  return undefined;
}

function reasonOf(text: string): string | undefined {
  const found = unstorableCharacter.exec(text);
  if (!found) return undefined;
  const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return code === '0000'
    ? `a NUL character (U+0000) at position ${found.index}`
    : `a lone UTF-16 surrogate (U+${code}) at position ${found.index}`;
}

/**
 * `text` with each character {@link unstorableText} finds written as its escape (`\u0000`),
 * which `jsonb` stores and a person reads.
 */
export function storableText(text: string): string {
  return text.replace(
    new RegExp(unstorableCharacter.source, 'g'),
    (found) => `\\u${found.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
