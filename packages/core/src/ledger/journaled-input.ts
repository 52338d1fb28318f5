import { hash } from 'node:crypto';
import { canonicalJson } from '../cache/canonical-json';
import { jsonEqual } from '../store/json-delta';
import { type CapJournalValueOptions, type OmittedValue, omittedValue } from './cap-journal-value';

/**
 * A tool call's input as its journal record keeps it: the input itself when its JSON fits in
 * `maxBytes` (`createAgent`'s `maxJournalValueBytes`), otherwise an {@link OmittedValue}
 * whose `sha256` is the digest of the input's canonical JSON (keys sorted, see
 * {@link canonicalJson}), its `bytes` the input's size as JSON and its `preview` the start
 * of that JSON. A 5 MB argument wrote a 5 MB row, and in a tool loop a second one beside the
 * model answer that holds it already. The digest keeps what a record's input is read for:
 * telling whether a call is the one recorded (see {@link sameJournaledInput}).
 *
 * `canonical` is the input's canonical JSON when the caller has it already (a tool call
 * hashes it for the run log too): one serialisation per call, not three.
 */
export function journaledInput(
  input: unknown,
  options: CapJournalValueOptions,
  canonical: string = canonicalJson(input),
): unknown {
  // Sorting keys changes no byte of the size: this is the size of the input's JSON.
  const bytes = Buffer.byteLength(canonical);
  if (bytes <= options.maxBytes) return input;
  // Its sha256 is the digest of the canonical JSON: what sameJournaledInput compares.
  return omittedValue(canonical, { bytes, redactor: options.redactor });
}

/**
 * True when `input` is the input a journal record keeps as `recorded`: the same JSON value,
 * or — when either was kept as an {@link OmittedValue} by {@link journaledInput} — the same
 * digest of its canonical JSON. A replay and a resume so still tell a call from the recorded
 * one when the record keeps only a digest, and a record written whole (before inputs were
 * capped) still matches the same input given capped.
 */
export function sameJournaledInput(recorded: unknown, input: unknown): boolean {
  const recordedOmitted = isOmittedValue(recorded);
  const inputOmitted = isOmittedValue(input);
  if (!recordedOmitted && !inputOmitted) return jsonEqual(recorded, input);
  const recordedDigest = recordedOmitted ? recorded.sha256 : digestOf(recorded);
  const inputDigest = inputOmitted ? input.sha256 : digestOf(input);
  return recordedDigest === inputDigest;
}

/** True when `value` is what a journal keeps in place of a value too large for its row. */
export function isOmittedValue(value: unknown): value is OmittedValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Partial<OmittedValue>).omitted === true &&
    typeof (value as Partial<OmittedValue>).sha256 === 'string'
  );
}

/** SHA-256 (hex) of `value`'s canonical JSON: the same for the same value, whatever its keys' order. */
function digestOf(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'hex');
}
