import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { linearRegExp } from './compile-linear-pattern';

/**
 * The longest string the `url` format accepts. ajv-formats checks `url` with a regular
 * expression RE2 cannot run (it has lookaheads) and whose time grows with the square of the
 * input: 64,000 characters took 3.3 s, this length 44 ms (scripts/measure-schema-checks.ts).
 */
const maxUrlLength = 8_192;

/**
 * An Ajv instance set up as the MCP SDK sets up its own (draft-07, formats checked, every
 * error reported), except that patterns run on the linear-time engine and `url` strings are
 * capped in length: the schemas it compiles come from an MCP server, and the values it checks
 * from a model.
 */
export function createLinearAjv(): Ajv {
  const ajv = new Ajv({
    strict: false,
    validateFormats: true,
    validateSchema: false,
    allErrors: true,
    code: { regExp: linearRegExp },
  });
  addFormats(ajv);
  const url = ajv.formats.url;
  if (url instanceof RegExp) {
    ajv.addFormat('url', (text: string) => text.length <= maxUrlLength && url.test(text));
  }
  return ajv;
}
