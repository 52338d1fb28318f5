import { DefinitionError } from '@agentchart/core';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { z } from 'zod';
import { UnsupportedPatternError } from './compile-linear-pattern';
import type { LinearAjv } from './create-linear-ajv';
import { expandedSchemaSize, writtenSchemaSize } from './expanded-schema-size';
import { usesPatterns } from './uses-patterns';
import { zodChecksEveryKeyword } from './zod-checks-every-keyword';

/**
 * How many nodes a schema's references may add when expanded for zod to convert it: its
 * round trip walks every expanded node (20,000 take well under a second). Schemas whose
 * references add more are checked by Ajv, as exactly.
 */
const maxNodesAddedByReferences = 20_000;

/** What {@link inputContractOf} needs besides the schema. */
export interface InputContractOptions {
  /** Names the tool in errors, e.g. `MCP tool "search" of server "docs"`. */
  owner: string;
  /**
   * Compiles the schemas zod does not take: those it cannot convert, and those with patterns
   * (an Ajv instance whose patterns run in linear time, from `createLinearAjv`).
   */
  ajv: LinearAjv;
}

/**
 * The zod contract for an MCP tool's `inputSchema`. zod's own converter gives zod issues with
 * paths the model can act on; a schema using a keyword zod does not enforce (`not`,
 * `if`/`then`/`else`, `dependentRequired`, `unevaluatedProperties` …), every schema with a
 * pattern and every schema too large for zod go to Ajv (JSON Schema 2020-12, or draft-07 when
 * `$schema` names it), whose issues carry paths too. A keyword Ajv does not know either fails
 * here, so every schema is enforced before the call reaches the server, never loosened.
 */
export function inputContractOf(
  schema: Record<string, unknown>,
  { owner, ajv }: InputContractOptions,
): z.ZodType<Record<string, unknown>> {
  // zod compiles `pattern` into a JavaScript RegExp, whose backtracking a server's pattern
  // and a model's argument can make exponential; Ajv here matches patterns in linear time.
  // zod's conversion back to JSON Schema also expands every `$ref` where it is used, which
  // definitions nested by reference make exponential; Ajv compiles each definition once.
  if (zodChecksEveryKeyword(schema) && !usesPatterns(schema) && !expandsByReference(schema)) {
    const converted = convertWithZod(schema);
    if (converted) return converted;
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (cause) {
    if (cause instanceof UnsupportedPatternError) {
      throw new DefinitionError(
        'definition.schema_not_convertible',
        `${owner}: its input schema's ${cause.message}, so its arguments cannot be checked ` +
          'before a call. Leave the tool out with `include`, or have the server use a pattern ' +
          'without lookaround or backreferences.',
        cause,
      );
    }
    const unknownKeyword = /unknown keyword: "(.*)"/.exec((cause as Error).message)?.[1];
    if (unknownKeyword !== undefined) {
      throw new DefinitionError(
        'definition.schema_not_convertible',
        `${owner}: its input schema uses the keyword ${JSON.stringify(unknownKeyword)}, which ` +
          'JSON Schema 2020-12 does not define, so its arguments could not be checked before a ' +
          'call. Leave the tool out with `include`, or have the server drop the keyword.',
        cause,
      );
    }
    throw new DefinitionError(
      'definition.schema_not_convertible',
      `${owner}: its input schema cannot be compiled (${(cause as Error).message}), so its ` +
        'arguments could not be checked before a call. Leave the tool out with `include`, or ' +
        'fix the schema on the server.',
      cause,
    );
  }
  return z.record(z.string(), z.unknown()).superRefine((value, context) => {
    if (validate(value)) return;
    for (const error of validate.errors ?? []) {
      // `if` only repeats that the `then` or `else` branch failed, reported on its own.
      if (error.keyword === 'if') continue;
      context.addIssue({
        code: 'custom',
        message: error.message ?? 'does not match the schema',
        path: pathOf(error),
        params: { keyword: error.keyword },
      });
    }
  });
}

/** zod's conversion when it covers the whole schema and converts back for the model, else undefined. */
function convertWithZod(
  schema: Record<string, unknown>,
): z.ZodType<Record<string, unknown>> | undefined {
  try {
    const converted = z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema);
    z.toJSONSchema(converted, { io: 'input', unrepresentable: 'throw' });
    return converted as z.ZodType<Record<string, unknown>>;
  } catch {
    return undefined;
  }
}

/** True when expanding the schema's references would add more nodes than zod should walk. */
function expandsByReference(schema: Record<string, unknown>): boolean {
  const limit = writtenSchemaSize(schema) + maxNodesAddedByReferences;
  return expandedSchemaSize(schema, limit) > limit;
}

/** Ajv's JSON Pointer to the failing value as a zod path (array indexes as numbers). */
function pathOf({ instancePath }: ErrorObject): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}
