import { headOf } from '@agentchart/core/internal';

/** Where an HTML document starts in an error text. */
const htmlStart = /<(?:!doctype\b|html\b|head\b|body\b)/i;
const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * An error text a provider sent, fit for one line of a message: an HTML page (a gateway's
 * 502, a proxy's login page) becomes its title or first heading and a note that it was a
 * page, not the API's JSON; any other text has its line breaks folded and is capped at
 * `maxLength` characters. Nothing the text says is lost that a reader of a log needs.
 */
export function summariseErrorText(text: string, maxLength = 300): string {
  const start = text.search(htmlStart);
  if (start < 0) return cap(oneLine(text), maxLength);
  const before = oneLine(text.slice(0, start));
  const page = text.slice(start);
  const heading =
    match(page, /<title[^>]*>([\s\S]*?)<\/title>/i) ??
    match(page, /<h1[^>]*>([\s\S]*?)<\/h1>/i) ??
    page.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ');
  let summary = cap(oneLine(decodeEntities(heading.replace(/<[^>]*>/g, ' '))), 120);
  // Clients put the status before the body ("502 <html>…"); keep it unless the title has it.
  if (before && !summary.startsWith(before)) summary = `${before} ${summary}`.trim();
  return cap(
    `${summary || 'an empty page'} (an HTML page of ${page.length} characters, not the API's JSON: a proxy or gateway in front of the endpoint answered)`,
    maxLength,
  );
}

function match(text: string, pattern: RegExp): string | undefined {
  const found = pattern.exec(text)?.[1];
  return found?.trim() ? found : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function cap(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${headOf(text, maxLength - 1)}…`;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000
        ? String.fromCodePoint(code)
        : whole;
    }
    return entities[name.toLowerCase()] ?? whole;
  });
}
