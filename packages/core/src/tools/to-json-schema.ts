import { z } from 'zod';
import { DefinitionError } from '../errors/definition-error';
import { sentAsNullable } from '../output/sent-as-nullable';
import { findUnconvertiblePart } from './find-unconvertible-part';

/**
 * The JSON Schema a model receives for a zod schema. Throws a {@link DefinitionError} naming
 * the owner when the schema has parts JSON Schema cannot express (dates, bigints).
 *
 * Either way the schema describes what the zod schema *accepts* — the model writes the value
 * that is parsed — so a transform or a pipe (`z.string().transform(…)`,
 * `z.string().pipe(z.coerce.number())`) is described by its input side: a string. `io:
 * 'input'` (tool arguments) stops there. `io: 'output'` (structured answers) also shapes the
 * schema the way providers' strict structured-output modes ask for: every object that takes no
 * extra keys is closed with `additionalProperties: false`, and every key is required. An
 * optional key (`.optional()`) is asked for as "a value or `null`" unless its schema already
 * takes `null`; the answer goes through `nullAsAbsent` before the zod schema parses it, so a
 * `null` there reads as the absent key the schema declares. The zod schema stays the one
 * description of the answer — nobody keeps a second, strict-mode copy of it in step — and
 * strict mode stays on for schemas with optional keys. A key with a `.default()` is required
 * as it is: the model fills it.
 */
export function toJsonSchema(
  schema: z.ZodType,
  owner: string,
  io: 'input' | 'output' = 'input',
): Record<string, unknown> {
  const convert = (part: z.core.$ZodType) =>
    z.toJSONSchema(part, {
      target: 'draft-7',
      io: 'input',
      unrepresentable: 'throw',
      override: (context) => {
        refuseFile(context);
        if (io === 'output') closeAnswerObject(context);
      },
    }) as Record<string, unknown>;
  try {
    const { $schema: _ignored, ...jsonSchema } = convert(schema);
    return jsonSchema;
  } catch (cause) {
    const reason = (cause as Error).message;
    throw new DefinitionError(
      'definition.schema_not_convertible',
      `${owner}: its zod schema cannot become JSON Schema${at(schema, convert)} (${reason}). ${adviceFor(reason)}`,
      cause,
    );
  }
}

/** ` at "lines[].shippedAt"`: where the part is that cannot be converted, if one part alone. */
function at(schema: z.ZodType, convert: (part: z.core.$ZodType) => unknown): string {
  const path = findUnconvertiblePart(schema, (part) => {
    try {
      convert(part);
      return false;
    } catch {
      return true;
    }
  });
  return path ? ` at "${path}"` : '';
}

/**
 * What zod reports for a value JSON cannot carry back (a transform's output it can; `undefined`,
 * a tool that returns nothing, comes back as the absent value it was).
 */
const lostInJson = /^(Date|BigInt|Map|Set|Symbols?|NaN)\b/;

/**
 * Refuses a schema whose parsed values JSON cannot carry — a `Date`, a `bigint`, a `Map` —
 * where the value is journaled and read back: a tool's output, a wait's reply. It passed, and
 * every call then failed at run time (`tool.invalid_output`: JSON would not give it back).
 * Transforms and custom checks pass: what they produce is checked when it is journaled.
 *
 * @throws DefinitionError `definition.schema_not_convertible` naming `owner`.
 */
export function checkJournaledSchema(schema: z.ZodType, owner: string): void {
  const convert = (part: z.core.$ZodType) => {
    try {
      z.toJSONSchema(part, { io: 'output', unrepresentable: 'throw' });
    } catch (cause) {
      if (lostInJson.test((cause as Error).message)) throw cause;
    }
  };
  try {
    convert(schema);
  } catch (cause) {
    const reason = (cause as Error).message;
    throw new DefinitionError(
      'definition.schema_not_convertible',
      `${owner}: its values are journaled as JSON, which cannot carry them${at(schema, convert)} (${reason}). ${adviceFor(reason)}`,
      cause,
    );
  }
}

/**
 * What to write instead, by what zod could not convert: the model is told what to write, so
 * every part of the schema must say what JSON it takes, whatever the code does with it after.
 */
function adviceFor(reason: string): string {
  if (/reading '(def|_zod)'/.test(reason)) {
    // zod 3 schemas (`zod/v3`, or zod 3 itself) have no `_zod` internals to convert.
    return "It looks like a zod 3 schema (from 'zod/v3' or zod 3): agentchart takes zod 4 schemas. Import z from 'zod' (version 4).";
  }
  if (/transform/i.test(reason)) {
    return 'A transform alone does not say what the model writes: put it after a schema that does, e.g. z.string().transform(parse) instead of z.transform(parse), or z.preprocess(fn, z.number()).';
  }
  if (/^File\b/.test(reason)) {
    return 'A model writes text: for a file, ask for its URL, its path or its text (z.string()) and fetch or read it after.';
  }
  if (/custom/i.test(reason)) {
    return 'z.custom() does not say what the model writes: use a JSON type with a check, e.g. z.string().refine(isValid, "message").';
  }
  const json = 'Use types JSON can carry (strings, numbers, booleans, objects, arrays, enums)';
  if (/\b(undefined|void)\b/i.test(reason)) {
    return 'JSON has no undefined: for a key the model may leave out, make it optional (z.string().optional()) instead of a union with z.undefined() or a z.void().';
  }
  if (/bigint/i.test(reason))
    return `${json}: for a big integer, a string of digits (z.string().regex(/^-?\\d+$/)) converted after.`;
  if (/\b(map|set)\b/i.test(reason)) {
    return `${json}: for a Map, an object (z.record(z.string(), …)) or a list of entries; for a Set, an array.`;
  }
  return `${json}; for a date, ask for a string (z.iso.datetime() or z.iso.date()) and convert it after.`;
}

interface ObjectDefinition {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  catchall?: unknown;
}

/**
 * Closes an object of an answer's schema and requires every key, optional ones as nullable
 * (see {@link sentAsNullable}).
 */
/**
 * A `z.file()` converts (to a binary string), but no model writes a `File`: every answer or
 * argument would fail its parse, each call paid for. Refused at definition, as a date is.
 */
function refuseFile(context: { zodSchema: { _zod: { def: unknown } } }): void {
  if ((context.zodSchema._zod.def as { type?: string }).type === 'file') {
    throw new Error('File cannot be written by a model as JSON');
  }
}

function closeAnswerObject(context: {
  zodSchema: { _zod: { def: unknown } };
  jsonSchema: Record<string, unknown>;
}): void {
  const definition = context.zodSchema._zod.def as ObjectDefinition;
  if (definition.type !== 'object' || !definition.shape) return;
  const { jsonSchema } = context;
  // No catchall: extra keys are stripped by the parse, so the model need not write any.
  if (definition.catchall === undefined && jsonSchema.additionalProperties === undefined) {
    jsonSchema.additionalProperties = false;
  }
  const properties = jsonSchema.properties as Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(definition.shape)) {
    const property = properties?.[key];
    if (properties && property !== undefined && sentAsNullable(field)) {
      // Wrapped, not copied: zod may still fill in the property's own schema object (a schema
      // used in several places is completed once, after the objects that use it).
      properties[key] = { anyOf: [property, { type: 'null' }] };
    }
  }
  const keys = Object.keys(definition.shape);
  if (keys.length > 0) jsonSchema.required = keys;
}
