import { TextDecoder } from 'node:util';

/** A response body as text, and what the model should know about how it was read. */
export interface DecodedBody {
  text: string;
  /** Set when the declared charset could not be used and the body was read as UTF-8. */
  note?: string;
}

const charsetParameter = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/**
 * Decodes a response body by the charset its `Content-Type` declares (any WHATWG encoding
 * label: `iso-8859-1`, `utf-16le`, `shift_jis` …), UTF-8 when it declares none. A label that
 * names no encoding Node can decode falls back to UTF-8, with a note saying so. A body cut at
 * the byte cap ends before a character it would split, rather than in a replacement character.
 */
export function decodeBody(body: Uint8Array, contentType: string, truncated: boolean): DecodedBody {
  const match = charsetParameter.exec(contentType);
  const label = (match?.[1] ?? match?.[2] ?? '').trim();
  let decoder: TextDecoder;
  let note: string | undefined;
  try {
    decoder = new TextDecoder(label === '' ? 'utf-8' : label);
  } catch {
    decoder = new TextDecoder('utf-8');
    note = `The response declared charset ${JSON.stringify(label)}, which this tool cannot decode; the body was read as UTF-8, so characters outside ASCII may be wrong.`;
  }
  // `stream: true` holds back the bytes of a character the cut left incomplete.
  const text = decoder.decode(body, { stream: truncated });
  return note === undefined ? { text } : { text, note };
}
