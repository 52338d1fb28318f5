import { hash } from 'node:crypto';
import type { SerializedError } from '../errors/agentchart-error';
import type { Redactor } from '../security/create-redactor';
import { headOutsideMatches } from '../security/head-outside-matches';

/** What stands in a journal row, an error or an event for a value too large to keep whole. */
export interface OmittedValue {
  omitted: true;
  /** Size of the value as JSON, in UTF-8 bytes. */
  bytes: number;
  /**
   * SHA-256 of the value's JSON, hex: enough to tell two large values apart. For a tool
   * call's input, of its canonical JSON (keys sorted: see `journaledInput`).
   */
  sha256: string;
  /** The start of the value's JSON, ending before any secret it would cut. */
  preview: string;
}

/** Options of {@link capJournalValue}, {@link omittedValue} and {@link capSerializedError}. */
export interface CapJournalValueOptions {
  /** The most bytes the value may take as JSON. */
  maxBytes: number;
  /**
   * The agent's redactor. What is cut here is redacted only where it is stored or emitted,
   * when a secret the cut split is no longer recognised: cuts end before its matches.
   */
  redactor: Pick<Redactor, 'spans'> | undefined;
}

/** How much of an omitted value's JSON is kept as a preview. */
const previewCharacters = 200;
/** The longest error message kept in a journal row or an event. */
const maxMessageCharacters = 4_000;

/** The JSON text of `value` and its size in bytes. */
export function measureJson(value: unknown): { json: string; bytes: number } {
  const json = JSON.stringify(value) ?? 'null';
  return { json, bytes: Buffer.byteLength(json) };
}

/** An {@link OmittedValue} describing `json`. */
export function omittedValue(
  json: string,
  {
    bytes = Buffer.byteLength(json),
    redactor,
  }: { bytes?: number; redactor: CapJournalValueOptions['redactor'] },
): OmittedValue {
  return {
    omitted: true,
    bytes,
    sha256: hash('sha256', json, 'hex'),
    preview: headOutsideMatches(json, previewCharacters, redactor),
  };
}

/** `value` itself when its JSON fits in `maxBytes`, otherwise an {@link OmittedValue}. */
export function capJournalValue(
  value: unknown,
  { maxBytes, redactor }: CapJournalValueOptions,
): unknown {
  // Strings are measured by length first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (typeof value === 'string' && value.length * 3 + 2 <= maxBytes) return value;
  const { json, bytes } = measureJson(value);
  return bytes <= maxBytes ? value : omittedValue(json, { bytes, redactor });
}

/**
 * An error as it may be stored and emitted: its message cut to a few thousand characters and
 * every other field (details, the raw output that failed validation) capped at `maxBytes`,
 * so a 20 MB invalid output never reaches the journal or an event whole.
 */
export function capSerializedError(
  error: SerializedError,
  options: CapJournalValueOptions,
): SerializedError {
  const { name, code, message, ...rest } = error;
  const kept = headOutsideMatches(message, maxMessageCharacters, options.redactor);
  const capped: SerializedError = {
    name,
    code,
    message:
      kept === message ? message : `${kept}… [${message.length - kept.length} more characters]`,
  };
  for (const [field, value] of Object.entries(rest))
    capped[field] = capJournalValue(value, options);
  return capped;
}
