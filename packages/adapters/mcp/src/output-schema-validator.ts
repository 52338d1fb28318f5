import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/types.js';
import type { ValidateFunction } from 'ajv';
import { createLinearAjv, type LinearAjv } from './create-linear-ajv';

/**
 * The validator the MCP client checks each tool's structured result with, against the output
 * schema the server lists: patterns run in linear time, since a server could pair a pattern
 * like `^(a+)+$` with a result crafted to block the process. The client asks for a validator
 * for every listed tool, chosen or not; each is compiled when first used, and one that cannot
 * be compiled does not fail the connection: `connectMcpServer` refuses only the chosen tools
 * that have one ({@link OutputSchemaValidator.failureOf}).
 */
export class OutputSchemaValidator implements jsonSchemaValidator {
  readonly #ajv: LinearAjv = createLinearAjv();
  readonly #compiled = new WeakMap<object, Compiled>();

  /**
   * The check of results against `schema`, compiled when first used: the client asks for one
   * for every tool it lists, and compiling a tool's schema the agent never calls (a server can
   * list one of megabytes) blocked the process for seconds while connecting.
   */
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    return (input) => {
      const compiled = this.#compile(schema);
      if ('failure' in compiled) {
        return {
          valid: false,
          data: undefined,
          errorMessage: `the output schema cannot be checked (${compiled.failure.message})`,
        };
      }
      return compiled.validate(input)
        ? { valid: true, data: input as T, errorMessage: undefined }
        : {
            valid: false,
            data: undefined,
            errorMessage: this.#ajv.errorsText(compiled.validate.errors),
          };
    };
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

  /** Why this output schema cannot be compiled, or undefined when it can (compiling it now). */
  failureOf(schema: object): Error | undefined {
    const compiled = this.#compile(schema as JsonSchemaType);
    return 'failure' in compiled ? compiled.failure : undefined;
  }

  #compile(schema: JsonSchemaType): Compiled {
    let compiled = this.#compiled.get(schema);
    if (!compiled) {
      try {
        compiled = { validate: this.#ajv.compile(schema) };
      } catch (cause) {
        compiled = { failure: cause instanceof Error ? cause : new Error(String(cause)) };
      }
      this.#compiled.set(schema, compiled);
    }
    return compiled;
  }
}

/** An output schema compiled, or why it could not be. */
type Compiled = { validate: ValidateFunction } | { failure: Error };
