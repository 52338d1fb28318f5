/** The result of looking for a JSON value in a model's text. */
export type ExtractJsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

const fencePattern = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/g;

/**
 * How many bracketed spans of chatty prose are tried: prose cites sources (`[1]`) and puts
 * words in braces before the answer, and each try scans the rest of the text.
 */
const maxSpans = 16;

/**
 * Finds the JSON value in a model's answer: the whole text, a fenced ```json block, or a
 * balanced `{…}` / `[…]` in chatty prose ("Sure! Here it is: {…}"). In prose, bracketed words
 * that are not JSON (`{the notes}`) are passed over; and when `accept` is given, so are JSON
 * values it refuses (a citation `[1]` before the answer object), the first value found
 * being the result when it accepts none. A whole answer that is JSON is the answer as it is.
 */
export function extractJson(text: string, accept?: (value: unknown) => boolean): ExtractJsonResult {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, reason: 'the answer was empty' };
  const direct = tryParse(trimmed);
  if (direct.ok) return direct;
  let first: ExtractJsonResult | undefined;
  for (const candidate of candidates(trimmed)) {
    const parsed = tryParse(candidate);
    if (!parsed.ok) continue;
    if (!accept || accept(parsed.value)) return parsed;
    first ??= parsed;
  }
  return first ?? { ok: false, reason: `no JSON value found in the answer (${direct.reason})` };
}

/** The texts that may hold the answer: fenced blocks, then bracketed spans, in order. */
function* candidates(text: string): Generator<string> {
  for (const match of text.matchAll(fencePattern)) yield (match[1] ?? '').trim();
  const opening = /[{[]/g;
  for (let tries = 0; tries < maxSpans; tries++) {
    const start = opening.exec(text)?.index;
    if (start === undefined) return;
    const end = balancedEnd(text, start);
    if (end !== undefined) yield text.slice(start, end + 1);
    // Past a span (what it holds is part of it), or past a bracket that never closes.
    opening.lastIndex = end === undefined ? start + 1 : end + 1;
  }
}

function tryParse(text: string): ExtractJsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * Where the `{…}` or `[…]` opening at `start` closes, ignoring brackets inside strings;
 * undefined when it does not close as it opened.
 */
function balancedEnd(text: string, start: number): number | undefined {
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
      if (stack.length === 0) return i;
    }
  }
  return undefined;
}
