import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { type PiiPatternName, piiPatterns, type RedactionPattern } from './pii-patterns';
import { environmentSecrets, type LabelledSecret } from './secret-environment';

/**
 * What an agent redacts before anything is checkpointed, journaled, emitted as an event or
 * logged. The API keys its models hold (`ChatModel.secrets`) are always redacted.
 */
export interface RedactionOptions {
  /** Values never to store or emit: passwords, tokens, the keys your tools hold. At least 6 characters each. */
  secrets?: readonly string[] | undefined;
  /** Personal data to redact: built-in patterns by name, or your own. None by default. */
  patterns?: readonly (PiiPatternName | RedactionPattern)[] | undefined;
  /**
   * Redact the values of environment variables named like credentials (`*_API_KEY`,
   * `*_TOKEN`, `*_SECRET*`, `*PASSWORD*` …, 8 characters or more), read when the agent is
   * created. Default true.
   */
  environment?: boolean | undefined;
  /** The text that replaces a match. Default `[REDACTED:<label>]`. */
  replacement?: ((label: string) => string) | undefined;
}

/** Replaces secrets and personal data in text and in JSON-like values. */
export interface Redactor {
  /** False when there is nothing to redact: {@link Redactor.value} returns its argument. */
  readonly active: boolean;
  /** `text` with every secret and pattern match replaced. */
  text(text: string): string;
  /**
   * `value` with every string in it (object keys included) redacted. Parts that change are
   * copied; parts that do not are returned as they are, so an unchanged value is the same
   * object. Objects with `toJSON` are redacted as what they serialise to. With `sealed`, the
   * value is frozen all the way down and never changes (a checkpoint's state): each frozen
   * node's redaction is kept and reused, so a value that shares most of its nodes with one
   * redacted before costs what is new in it.
   */
  value<T>(value: T, options?: { sealed?: boolean }): T;
  /**
   * Where in `text` the secrets and pattern matches {@link Redactor.text} replaces lie, as
   * `[start, end)` offsets: a cut of the text (a capped tool output) that fell inside one
   * would leave a part no redaction recognises.
   */
  spans(text: string): [start: number, end: number][];
}

/** Options of {@link createRedactor} beyond what a user configures. */
export interface CreateRedactorOptions extends RedactionOptions {
  /** Credentials the agent's models hold; shorter than 12 characters they are placeholders (`local`). */
  modelSecrets?: readonly string[] | undefined;
  /** Credentials the agent's tools hold (`Tool.secrets`); shorter than 8 characters they are placeholders. */
  toolSecrets?: readonly string[] | undefined;
  /** The environment to read credentials from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

const redactorOptionNames = [
  'secrets',
  'patterns',
  'environment',
  'replacement',
  'modelSecrets',
  'toolSecrets',
  'env',
];

const minimumSecretLength = 6;
const minimumModelSecretLength = 12;
const minimumToolSecretLength = 8;

/**
 * A {@link Redactor} for an agent: its configured secrets, its models' credentials, the
 * environment's credentials and the chosen personal-data patterns.
 *
 * @example
 * ```ts
 * const redactor = createRedactor({ secrets: [process.env.CRM_PASSWORD!], patterns: ['email'] });
 * redactor.text('mail ada@example.com'); // 'mail [REDACTED:email]'
 * ```
 */
export function createRedactor(options: CreateRedactorOptions = {}): Redactor {
  // A misspelt option would be ignored: `secret: [key]` would redact nothing.
  checkOptionNames('createRedactor', options, redactorOptionNames);
  const {
    secrets = [],
    patterns = [],
    environment = true,
    replacement = (label: string) => `[REDACTED:${label}]`,
    modelSecrets = [],
    toolSecrets = [],
    env,
  } = options;
  if (typeof environment !== 'boolean') {
    throw new DefinitionError(
      'definition.invalid_option',
      `redact.environment is ${describeValue(environment)}. Give true (the default: credentials in environment variables are redacted) or false.`,
    );
  }
  if (typeof replacement !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `redact.replacement is ${describeValue(replacement)}. Give a function of the match's label that returns its replacement, such as (label) => \`[\${label}]\`.`,
    );
  }
  for (const [name, list] of [
    ['secrets', secrets],
    ['patterns', patterns],
  ] as const) {
    // Checked as unknown: TypeScript's readonly lists do not narrow with Array.isArray.
    if (!Array.isArray(list as unknown)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `redact.${name} is ${describeValue(list)}. Give a list.`,
      );
    }
  }
  const literals = new Map<string, string>();
  const add = ({ value, label }: LabelledSecret) => {
    if (!literals.has(value)) literals.set(value, label);
    // The same secret in a URL (a query parameter, a proxy's log line).
    const encoded = encodeURIComponent(value);
    if (!literals.has(encoded)) literals.set(encoded, label);
    // And inside JSON text (a tool result as the model reads it): a password with a quote or
    // a backslash is written escaped there, and would not match as it is.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (!literals.has(escaped)) literals.set(escaped, label);
  };
  if (environment) for (const secret of environmentSecrets(env)) add(secret);
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < minimumSecretLength) {
      throw new DefinitionError(
        'definition.invalid_option',
        `redact.secrets has a value of ${typeof secret === 'string' ? `${secret.length} characters` : typeof secret}; each secret must be a string of at least ${minimumSecretLength} characters, or ordinary words would be redacted everywhere.`,
      );
    }
    add({ value: secret, label: 'secret' });
  }
  for (const secret of modelSecrets) {
    if (secret.length >= minimumModelSecretLength) add({ value: secret, label: 'api-key' });
  }
  for (const secret of toolSecrets) {
    if (secret.length >= minimumToolSecretLength) add({ value: secret, label: 'credential' });
  }
  const compiled = patterns.map((entry) => {
    const pattern = typeof entry === 'string' ? piiPatterns[entry] : entry;
    if (pattern && typeof entry !== 'string') {
      // `label` for `name` wrote "[REDACTED:undefined]".
      checkOptionNames(
        'createRedactor',
        entry,
        ['name', 'pattern', 'accept'],
        'redact.patterns[].',
      );
      if (typeof entry.name !== 'string' || entry.name === '') {
        throw new DefinitionError(
          'definition.invalid_option',
          `redact.patterns has a pattern with name ${describeValue(entry.name)}. Give each pattern a name: it labels what it replaced ([REDACTED:name]).`,
        );
      }
    }
    if (
      pattern?.pattern instanceof RegExp &&
      new RegExp(pattern.pattern.source, pattern.pattern.flags.replace('g', '')).test('')
    ) {
      // One that matches nothing at all is replaced between every two characters.
      throw new DefinitionError(
        'definition.invalid_option',
        `redact.patterns has /${pattern.pattern.source}/, which matches the empty text, so every gap between two characters would be replaced. Give a pattern that matches at least one character.`,
      );
    }
    if (!pattern || !(pattern.pattern instanceof RegExp)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `redact.patterns has ${JSON.stringify(entry)}. Use ${Object.keys(piiPatterns)
          .map((name) => `'${name}'`)
          .join(', ')}, or { name, pattern: /…/ }.`,
      );
    }
    const { flags, source } = pattern.pattern;
    return {
      label: pattern.name,
      regex: new RegExp(source, flags.includes('g') ? flags : `${flags}g`),
      accept: pattern.accept,
    };
  });
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...literals].sort(([a], [b]) => b.length - a.length);
  const shortest = ordered.length > 0 ? ordered.at(-1)![0].length : Number.POSITIVE_INFINITY;
  const active = ordered.length > 0 || compiled.length > 0;

  const text = (input: string): string => {
    if (compiled.length === 0 && input.length < shortest) return input;
    let output = input;
    for (const [secret, label] of ordered) {
      if (output.includes(secret)) output = output.replaceAll(secret, replacement(label));
    }
    for (const { label, regex, accept } of compiled) {
      regex.lastIndex = 0;
      if (!regex.test(output)) continue;
      regex.lastIndex = 0;
      output = output.replace(regex, (match) =>
        accept === undefined || accept(match) ? replacement(label) : match,
      );
    }
    return output;
  };

  // A checkpoint's state is made of sealed trees that share what did not change with the
  // previous checkpoint: their redaction is kept, so a step costs what it changed.
  const sealedRedactions = new WeakMap<object, unknown>();

  const walk = (value: unknown, path: Set<object>, sealed: boolean): unknown => {
    if (typeof value === 'string') return text(value);
    if (value === null || typeof value !== 'object' || path.has(value)) return value;
    if (ArrayBuffer.isView(value) || value instanceof RegExp) return value;
    if (!sealed || !Object.isFrozen(value)) return walkNode(value, path, sealed);
    if (sealedRedactions.has(value)) return sealedRedactions.get(value);
    const redacted = walkNode(value, path, sealed);
    sealedRedactions.set(value, redacted);
    return redacted;
  };

  const walkNode = (value: object, path: Set<object>, sealed: boolean): unknown => {
    path.add(value);
    try {
      if (Array.isArray(value)) {
        let copy: unknown[] | undefined;
        for (let index = 0; index < value.length; index++) {
          const item = value[index];
          const redacted = walk(item, path, sealed);
          if (redacted !== item) {
            copy ??= value.slice();
            copy[index] = redacted;
          }
        }
        return copy ?? value;
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        const json = toJSON.call(value);
        const redacted = walk(json, path, sealed);
        return redacted === json ? value : redacted;
      }
      let copy: Record<string, unknown> | undefined;
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        const redacted = walk(item, path, sealed);
        const redactedKey = text(key);
        if (redacted === item && redactedKey === key) continue;
        copy ??= { ...(value as Record<string, unknown>) };
        if (redactedKey !== key) delete copy[key];
        copy[redactedKey] = redacted;
      }
      return copy ?? value;
    } finally {
      path.delete(value);
    }
  };

  const spans = (input: string): [number, number][] => {
    const found: [number, number][] = [];
    for (const [secret] of ordered) {
      for (let at = input.indexOf(secret); at !== -1; at = input.indexOf(secret, at + 1)) {
        found.push([at, at + secret.length]);
      }
    }
    for (const { regex, accept } of compiled) {
      regex.lastIndex = 0;
      for (let match = regex.exec(input); match; match = regex.exec(input)) {
        if (accept === undefined || accept(match[0])) {
          found.push([match.index, match.index + match[0].length]);
        }
        // A match of no characters would find itself for ever (refused when made, but a
        // lookahead can still match empty at some positions).
        if (match[0] === '') regex.lastIndex++;
      }
    }
    return found;
  };

  return {
    active,
    spans: active ? spans : () => [],
    text: active ? text : (input) => input,
    value: active
      ? <T>(value: T, { sealed = false }: { sealed?: boolean } = {}) =>
          walk(value, new Set(), sealed) as T
      : <T>(value: T) => value,
  };
}
