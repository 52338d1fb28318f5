/** The result of looking for a JSON value in a model's text. */
export type ExtractJsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

const fencePattern = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/g;

/**
 * Finds the JSON value in a model's answer: the whole text, a fenced ```json block, or the
 * first balanced `{…}` / `[…]` in chatty prose ("Sure! Here it is: {…}").
 */
export function extractJson(text: string): ExtractJsonResult {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, reason: 'the answer was empty' };
  const direct = tryParse(trimmed);
  if (direct.ok) return direct;
  for (const match of trimmed.matchAll(fencePattern)) {
    const fenced = tryParse((match[1] ?? '').trim());
    if (fenced.ok) return fenced;
  }
  const balanced = firstBalanced(trimmed);
  if (balanced !== undefined) {
    const parsed = tryParse(balanced);
    if (parsed.ok) return parsed;
  }
  return { ok: false, reason: `no JSON value found in the answer (${direct.reason})` };
}

function tryParse(text: string): ExtractJsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** The first `{…}` or `[…]` whose brackets balance, ignoring brackets inside strings. */
function firstBalanced(text: string): string | undefined {
  const start = text.search(/[{[]/);
  if (start < 0) return undefined;
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') stack.push(char === '{' ? '}' : ']');
    else if (char === '}' || char === ']') {
      if (stack.pop() !== char) return undefined;
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}
