import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/types.js';
import type { Ajv } from 'ajv';
import { createLinearAjv } from './create-linear-ajv';

/**
 * The validator the MCP client checks each tool's structured result with, against the output
 * schema the server lists: patterns run in linear time, since a server could pair a pattern
 * like `^(a+)+$` with a result crafted to block the process. The client compiles the output
 * schema of every listed tool, chosen or not; one that cannot be compiled must not fail the
 * connection, so it is kept with its error, and `connectMcpServer` refuses only the chosen
 * tools that have one ({@link OutputSchemaValidator.failureOf}).
 */
export class OutputSchemaValidator implements jsonSchemaValidator {
  readonly #ajv: Ajv = createLinearAjv();
  readonly #failures = new WeakMap<object, Error>();

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    try {
      const validate = this.#ajv.compile(schema);
      return (input) =>
        validate(input)
          ? { valid: true, data: input as T, errorMessage: undefined }
          : { valid: false, data: undefined, errorMessage: this.#ajv.errorsText(validate.errors) };
    } catch (cause) {
      const failure = cause instanceof Error ? cause : new Error(String(cause));
      this.#failures.set(schema, failure);
      return () => ({
        valid: false,
        data: undefined,
        errorMessage: `the output schema cannot be checked (${failure.message})`,
      });
    }
  }

  /**
   * A check of a structured result against `schema`: what is wrong with the result, or
   * undefined. Compiled once per schema.
   */
  checkerOf(schema: JsonSchemaType): (structured: unknown) => string | undefined {
    const validate = this.getValidator(schema);
    return (structured) => {
      const result = validate(structured);
      return result.valid ? undefined : result.errorMessage;
    };
  }

  /** Why the client could not compile this output schema, or undefined when it could. */
  failureOf(schema: object): Error | undefined {
    return this.#failures.get(schema);
  }
}
