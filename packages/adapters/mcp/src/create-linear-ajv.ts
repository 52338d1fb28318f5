import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { linearRegExp } from './compile-linear-pattern';

/**
 * The longest string the `url` format accepts. ajv-formats checks `url` with a regular
 * expression RE2 cannot run (it has lookaheads) and whose time grows with the square of the
 * input: 64,000 characters took 3.3 s, this length 44 ms (scripts/measure-schema-checks.ts).
 */
const maxUrlLength = 8_192;

/** The `$schema` values of the drafts before 2019-09, whose `items` may be an array. */
const draft07Dialect = /^https?:\/\/json-schema\.org\/draft-0[4-7]\/schema#?$/;

/** Compiles a server's JSON Schema with patterns in linear time (from {@link createLinearAjv}). */
export interface LinearAjv {
  /**
   * Compiles `schema` in the dialect its `$schema` names: draft-07 for drafts 04 to 07,
   * 2020-12 otherwise (MCP's default). Throws on a keyword the dialect does not define, so no
   * check is silently skipped.
   */
  compile(schema: object): ValidateFunction;
  /** Ajv's text for the errors of a failed check. */
  errorsText(errors: ErrorObject[] | null | undefined): string;
}

/**
 * Validators set up as the MCP SDK sets up its own (formats checked, every error reported),
 * except that patterns run on the linear-time engine, `url` strings are capped in length, and
 * a keyword neither dialect defines fails the compilation instead of being ignored: the
 * schemas come from an MCP server, and the values they check from a model. A `format` neither
 * knows stays an annotation, as JSON Schema 2020-12 says.
 */
export function createLinearAjv(): LinearAjv {
  const options: Options = {
    strict: false,
    strictSchema: true,
    validateFormats: true,
    validateSchema: false,
    allErrors: true,
    code: { regExp: linearRegExp },
  };
  const draft07 = withFormats(new Ajv(options));
  const draft2020 = withFormats(new Ajv2020(options));
  return {
    compile(schema) {
      const { $schema, ...rest } = schema as Record<string, unknown>;
      const ajv = typeof $schema === 'string' && draft07Dialect.test($schema) ? draft07 : draft2020;
      const { formats, annotations } = namesIn(rest);
      for (const name of formats) if (!(name in ajv.formats)) ajv.addFormat(name, true);
      for (const name of annotations) if (!ajv.getKeyword(name)) ajv.addKeyword(name);
      return ajv.compile(rest);
    },
    errorsText: (errors) => draft2020.errorsText(errors),
  };
}

function withFormats<TAjv extends Ajv>(ajv: TAjv): TAjv {
  addFormats(ajv);
  const url = ajv.formats.url;
  if (url instanceof RegExp) {
    ajv.addFormat('url', (text: string) => text.length <= maxUrlLength && url.test(text));
  }
  return ajv;
}

/**
 * What `schema` names that the validator must know before it compiles it: the `format`s it
 * uses (one neither dialect knows stays an annotation, as 2020-12 says), and the keywords that
 * only describe and never constrain that servers' generators write — OpenAPI's
 * `discriminator`, which pydantic writes beside the `oneOf` of a tagged union (the `oneOf`
 * still checks it). A vendor's `x-…` may mean a constraint nothing here checks, so it still
 * fails the connection as an unknown keyword. A loop: schemas may nest deeply.
 */
function namesIn(schema: unknown): { formats: Set<string>; annotations: Set<string> } {
  const formats = new Set<string>();
  const annotations = new Set<string>();
  const pending: unknown[] = [schema];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'format' && typeof value === 'string') formats.add(value);
      else pending.push(value);
      if (key === 'discriminator') annotations.add(key);
    }
  }
  return { formats, annotations };
}
