import { DefinitionError } from '@agentchart/core';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { z } from 'zod';
import { UnsupportedPatternError } from './compile-linear-pattern';
import { usesPatterns } from './uses-patterns';

/** What {@link inputContractOf} needs besides the schema. */
export interface InputContractOptions {
  /** Names the tool in errors, e.g. `MCP tool "search" of server "docs"`. */
  owner: string;
  /**
   * Compiles the schemas zod does not take: those it cannot convert, and those with patterns
   * (an Ajv instance whose patterns run in linear time, from `createLinearAjv`).
   */
  ajv: Ajv;
}

/**
 * The zod contract for an MCP tool's `inputSchema`. zod's own converter gives zod issues with
 * paths the model can act on; the keywords it does not support (`not`, `if`/`then`/`else`,
 * `dependentRequired` …) and every schema with a pattern go to Ajv, whose issues carry paths
 * too, so every schema is enforced before the call reaches the server, never loosened.
 */
export function inputContractOf(
  schema: Record<string, unknown>,
  { owner, ajv }: InputContractOptions,
): z.ZodType<Record<string, unknown>> {
  // zod compiles `pattern` into a JavaScript RegExp, whose backtracking a server's pattern
  // and a model's argument can make exponential; Ajv here matches patterns in linear time.
  if (!usesPatterns(schema)) {
    const converted = convertWithZod(schema);
    if (converted) return converted;
  }
  let validate: ValidateFunction;
  try {
    // Ajv reads draft-07; a `$schema` naming another draft would stop it compiling.
    const { $schema: _ignored, ...rest } = schema;
    validate = ajv.compile(rest);
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

/** Ajv's JSON Pointer to the failing value as a zod path (array indexes as numbers). */
function pathOf({ instancePath }: ErrorObject): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}
