import { DefinitionError } from '@agentchart/core';
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/types.js';
import { z } from 'zod';

/** What {@link inputContractOf} needs besides the schema. */
export interface InputContractOptions {
  /** Names the tool in errors, e.g. `MCP tool "search" of server "docs"`. */
  owner: string;
  /** Compiles the JSON Schemas zod cannot convert (the MCP SDK's Ajv validator). */
  validator: jsonSchemaValidator;
}

/**
 * The zod contract for an MCP tool's `inputSchema`. zod's own converter gives zod issues with
 * paths the model can act on; the keywords it does not support (`not`, `if`/`then`/`else`,
 * `dependentRequired` …) fall back to a JSON Schema validator, so every schema is enforced
 * before the call reaches the server, never loosened.
 */
export function inputContractOf(
  schema: Record<string, unknown>,
  { owner, validator }: InputContractOptions,
): z.ZodType<Record<string, unknown>> {
  const converted = convertWithZod(schema);
  if (converted) return converted;
  let validate: JsonSchemaValidator<Record<string, unknown>>;
  try {
    // The validator reads draft-07; a `$schema` naming another draft would stop it compiling.
    const { $schema: _ignored, ...rest } = schema;
    validate = validator.getValidator(rest as JsonSchemaType);
  } catch (cause) {
    throw new DefinitionError(
      'definition.schema_not_convertible',
      `${owner}: its input schema cannot be compiled (${(cause as Error).message}), so its ` +
        'arguments could not be checked before a call. Leave the tool out with `include`, or ' +
        'fix the schema on the server.',
      cause,
    );
  }
  return z.record(z.string(), z.unknown()).superRefine((value, context) => {
    const result = validate(value);
    if (!result.valid) {
      context.addIssue({ code: 'custom', message: result.errorMessage ?? 'does not match' });
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
