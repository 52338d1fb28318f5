import { canonicalJson } from '../cache/canonical-json';
import { elapsedSince } from '../clock/clock';
import { describeIssues } from '../errors/describe-issues';
import { describeThrown, readSafely } from '../errors/describe-thrown';
import { messageWithCauses } from '../errors/message-with-causes';
import { describeValue } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import {
  type CapJournalValueOptions,
  capJournalValue,
  omittedValue,
} from '../ledger/cap-journal-value';
import { inputHash } from '../ledger/input-hash';
import { journaledInput } from '../ledger/journaled-input';
import { maxSentValueDepth, nestsDeeperThan } from '../ledger/json-depth';
import { nonJsonValue } from '../ledger/non-json-value';
import { parseNow } from '../output/parse-now';
import type { Redactor } from '../security/create-redactor';
import { headOutsideMatches } from '../security/head-outside-matches';
import type { AnyTool, ReconcileAnswer, ToolExecuteContext } from '../tools/types';
import { ambiguousToolError } from './ambiguous-tool-error';
import { askReconcile } from './ask-reconcile';
import type { EffectScope } from './effect-scope';
import { RecordedEffectError } from './recorded-effect-error';
import { withToolTimeout } from './with-tool-timeout';

/** Options of {@link executeTool}. */
export interface ExecuteToolOptions {
  /**
   * Turns the validated output into what the caller keeps — and what the journal records
   * and returns on resume (a tool loop keeps the text the model reads, capped like the
   * history); it is given the output's JSON text too. Without it the output is kept whole, and one larger than the journal's value
   * cap fails with `tool.output_too_large`.
   */
  present?: (output: unknown, json: string) => unknown;
  /**
   * The call's journal key, when the caller allocated it already (to key an approval after
   * it). Default: the effect's next key.
   */
  key?: string;
  /**
   * The idempotency key the tool is given, when the call repeats one whose outcome is not
   * known (see `runToolCalls`). Default: `<thread id>:<key>`.
   */
  idempotencyKey?: string;
}

/** The idempotency key a tool call is given by default: stable across crashes and resumes. */
export function idempotencyKeyOf(scope: EffectScope, key: string): string {
  return `${scope.threadId}:${key}`;
}

/**
 * Runs a tool whose input is already validated: journaled under its own key, with its
 * timeout, abort signal and output validation. Errors are {@link RunError}s; an `unsafe`
 * tool that times out is ambiguous (see {@link ambiguousToolError}) unless its `reconcile`
 * hook settles it.
 */
export function executeTool(
  scope: EffectScope,
  tool: AnyTool,
  input: unknown,
  options: ExecuteToolOptions = {},
): Promise<unknown> {
  // Not an async function: the step's promise is followed, not awaited in a frame that kept
  // every local of this one (and cost a promise and its ticks) for each call.
  try {
    return followed(scope, tool, input, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** {@link executeTool}'s call, which may throw before the step's promise is made. */
function followed(
  scope: EffectScope,
  tool: AnyTool,
  input: unknown,
  { present, key = scope.nextKey(`tool:${tool.name}`), idempotencyKey }: ExecuteToolOptions,
): Promise<unknown> {
  const { run } = scope;
  const { events } = run.runtime;
  const { clock, maxJournalValueBytes } = run;
  // Values too large for a row are cut here, before the store redacts them: around secrets.
  const capping: CapJournalValueOptions = {
    maxBytes: maxJournalValueBytes,
    redactor: run.runtime.redactor,
  };
  // What the tool is told besides its signal, which is the call's own (with its timeout) when
  // it runs and when its reconcile hook asks (see askReconcile).
  const about: Omit<ToolExecuteContext, 'signal'> = {
    idempotencyKey: idempotencyKey ?? idempotencyKeyOf(scope, key),
    threadId: scope.threadId,
  };
  // Its payload measures the input as JSON: built only for a listener.
  if (events.isObserved('tool.call.start')) {
    events.emit('tool.call.start', scope.threadId, {
      site: scope.site,
      callId: key,
      tool: tool.name,
      input: capJournalValue(input, capping),
    });
  }
  const started = clock.now();
  // What the tool returned, validated and kept as the caller keeps it: the same for a live
  // result and for one a reconcile hook reports after a crash or a timeout.
  const finish = (raw: unknown): unknown => {
    let checked: { data: unknown; json: string };
    try {
      checked = check(raw);
    } catch (error) {
      throw outputCheckFailure(tool, error, raw, capping);
    }
    return present ? present(checked.data, checked.json) : checked.data;
  };
  // The output's checks: schema, depth, JSON. What throws here is the output, not the tool.
  const check = (raw: unknown): { data: unknown; json: string } => {
    // Measured before the schema and JSON see it: a web page or an MCP server can return a
    // few kilobytes of `[[[[…`, which overflows the stack of JSON.stringify (and of a
    // recursive schema), or passes here and then fails the run as its checkpoint is written.
    if (nestsDeeperThan(raw, maxSentValueDepth) && !refersToItself(raw)) {
      throw new RunError('tool.output_too_deep', {
        message: `Tool "${tool.name}" returned output that nests arrays or objects more than ${maxSentValueDepth} levels deep, more than a checkpoint keeps; it was not kept. Flatten what the tool returns (or return the raw text as a string).`,
        details: { tool: tool.name, maxDepth: maxSentValueDepth },
      });
    }
    const parsed = parseNow(tool.output, raw, `tool "${tool.name}"'s output schema`);
    if (!parsed.success) {
      throw new RunError('tool.invalid_output', {
        message: `Tool "${tool.name}" returned output that does not match its output schema (${describeIssues(parsed.error.issues)}). Fix the tool's execute() or its output schema.`,
        issues: parsed.error.issues,
        details: { tool: tool.name, output: safeCapJournalValue(raw, capping) },
      });
    }
    const json = outputJson(tool, parsed.data, raw, capping);
    if (present) return { data: parsed.data, json };
    // The chart gets the output itself; a resume gets it back from its JSON. Both must agree.
    const lost = nonJsonValue(parsed.data);
    if (lost) {
      throw new RunError('tool.invalid_output', {
        message: `Tool "${tool.name}" returned output whose JSON would not give it back: at ${lost}. The journal keeps a tool's output as JSON, so a resumed run would get something else than this one. Return plain data (a date as an ISO string, z.iso.datetime(); a Map as an object or a list of entries) and shape the output schema so.`,
        details: { tool: tool.name, output: safeCapJournalValue(raw, capping) },
      });
    }
    const bytes = Buffer.byteLength(json);
    if (bytes > maxJournalValueBytes) {
      throw new RunError('tool.output_too_large', {
        message: `Tool "${tool.name}" returned ${bytes} bytes of output, more than the ${maxJournalValueBytes} a journal row keeps; it would not come back whole on resume. Return a reference (a file, a row id) instead of the data, or raise createAgent({ maxJournalValueBytes }).`,
        details: {
          tool: tool.name,
          output: omittedValue(json, { bytes, redactor: capping.redactor }),
        },
      });
    }
    return { data: parsed.data, json };
  };
  const reconcile =
    tool.reconcile &&
    ((): Promise<ReconcileAnswer<unknown>> => askReconcile(scope, tool, input, about, finish));
  // Written once for the journal's cap and digest and the run log's hash.
  const canonicalInput = canonicalJson(input);
  // What the call's failure becomes, replayed from the journal or not (a replayed one keeps
  // its code, e.g. effect.ambiguous).
  const reported = (error: unknown): never => {
    const failure = toolFailure(tool, error, scope.run.runtime.redactor);
    events.emit('tool.call.error', scope.threadId, {
      site: scope.site,
      callId: key,
      tool: tool.name,
      error: failure.toJSON(),
    });
    throw failure;
  };
  let journaled: Promise<{ value: unknown; replayed: boolean }>;
  try {
    journaled = scope.journaled(
      key,
      {
        kind: 'tool',
        effect: tool.effect,
        name: tool.name,
        // Capped like the tool's output: a digest of a larger input still tells a replayed
        // or resumed call from the recorded one (see sameJournaledInput).
        input: journaledInput(input, capping, canonicalInput),
        meta: { inputHash: inputHash(input, canonicalInput) },
      },
      // Not an async function: the step's promise is the call's, checked, with no frame more.
      (_recorded, executing) => {
        // Wrapped here, inside the journal, so a resume or a replay reads back the very
        // error (and message) the live call threw, and a model is told the same text.
        const failed = (error: unknown) => {
          const failure = toolFailure(tool, error, scope.run.runtime.redactor);
          return afterTimeout(scope, { tool, input, key, error: failure, reconcile });
        };
        return withToolTimeout(
          scope,
          tool,
          (signal) => tool.execute(input, { signal, ...about }),
          // An output that breaks the contract stays unrecorded: the step stays ambiguous.
          tool.effect === 'unsafe'
            ? (value) => scope.recordAfterAbort(key, () => finish(value))
            : undefined,
          executing,
        ).then((raw) => {
          try {
            return finish(raw);
          } catch (error) {
            return failed(error);
          }
        }, failed);
      },
      reconcile,
    );
  } catch (error) {
    return reported(error);
  }
  return journaled.then(({ value, replayed }) => {
    try {
      // Its payload and its latency (a read of the clock) made only for a listener.
      if (events.isObserved('tool.call.end')) {
        events.emit('tool.call.end', scope.threadId, {
          site: scope.site,
          callId: key,
          tool: tool.name,
          latencyMs: elapsedSince(clock, started),
          cached: replayed,
          output: value,
        });
      }
    } catch (error) {
      return reported(error);
    }
    return value;
  }, reported);
}

/**
 * The JSON text of a validated output (`null` for none), which is what the journal keeps and
 * a resume returns. A value JSON cannot hold — a BigInt, a circular object, a function — is
 * the tool breaking its contract, not the tool failing: the tool did run (an unsafe one may
 * have acted), so it is `tool.invalid_output`, never an internal error of the store.
 */
function outputJson(
  tool: AnyTool,
  output: unknown,
  raw: unknown,
  capping: CapJournalValueOptions,
): string {
  let json: string | undefined;
  let why: string | undefined;
  try {
    json = JSON.stringify(output);
  } catch (error) {
    why = (error as Error).message;
  }
  if (json === undefined && output !== undefined) why ??= `it is ${describeValue(output)}`;
  if (why === undefined) return json ?? 'null';
  throw new RunError('tool.invalid_output', {
    message: `Tool "${tool.name}" returned output that JSON cannot hold (${why}); the journal keeps a tool's output as JSON, so a resumed run gets the same value. Return plain data from its execute(): strings, numbers, booleans, null, arrays and objects (a BigInt as a string, a Map as an object).`,
    details: { tool: tool.name, output: safeCapJournalValue(raw, capping) },
  });
}

/**
 * What a check of a tool's output threw, as the harness reports it. A schema whose
 * `.transform()` or `.refine()` throws (`JSON.parse` of a body that is not JSON), an output
 * whose getter throws, an asynchronous schema: the tool did run — an unsafe one may have
 * charged the card — and its output broke the contract, so it is `tool.invalid_output`, as
 * an output the schema refuses is. Reported as the tool failing, it went back to the model,
 * which called an unsafe tool again and acted twice.
 */
function outputCheckFailure(
  tool: AnyTool,
  error: unknown,
  raw: unknown,
  capping: CapJournalValueOptions,
): unknown {
  if (RunError.isInstance(error)) return error;
  return new RunError('tool.invalid_output', {
    message: `Tool "${tool.name}" returned output that could not be checked against its output schema (${cappedMessage(describeThrown(error), capping.redactor)}). Fix the tool's execute() or its output schema.`,
    cause: error,
    details: { tool: tool.name, output: safeCapJournalValue(raw, capping) },
  });
}

/**
 * True when `value` refers to itself, which {@link nestsDeeperThan} counts as too deep: such
 * output is reported as JSON cannot hold it. Asked only of a value already found too deep.
 */
function refersToItself(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return false;
  } catch (error) {
    // A deep value overflows the stack (a RangeError); a circular one is a TypeError.
    return error instanceof TypeError;
  }
}

/** {@link capJournalValue}, or a description when the value has no JSON at all. */
function safeCapJournalValue(value: unknown, capping: CapJournalValueOptions): unknown {
  try {
    return JSON.stringify(value) === undefined
      ? describeValue(value)
      : capJournalValue(value, capping);
  } catch {
    return describeValue(value);
  }
}

/** `error` as the harness reports a tool's failure: a RunError (or a recorded one) as it is. */
function toolFailure(
  tool: AnyTool,
  error: unknown,
  redactor: Redactor,
): RunError | RecordedEffectError {
  if (RunError.isInstance(error) || RecordedEffectError.isInstance(error)) return error;
  return new RunError('tool.failed', {
    message: `Tool "${tool.name}" failed: ${cappedMessage(thrownMessage(error, redactor), redactor)}`,
    cause: error,
    details: { tool: tool.name },
  });
}

/** The most of a thrown message a tool failure keeps: a few pages of text. */
const maxToolErrorChars = 8_000;

/**
 * A tool's error message cut to {@link maxToolErrorChars}. The message goes into the
 * journal, the event, the model's history and — when the run fails on it — the checkpoint's
 * snapshot: a tool quoting a 20 MB response body in its error wrote 20 MB to each.
 */
function cappedMessage(message: string, redactor: Pick<Redactor, 'spans'> | undefined): string {
  // The message is redacted where it is stored: cut inside a secret, it would keep a part of
  // it no redaction recognises.
  const kept = headOutsideMatches(message, maxToolErrorChars, redactor);
  return kept === message
    ? message
    : `${kept}… (${message.length - kept.length} more characters cut)`;
}

/**
 * What a tool threw, as a message: an error's own message with what its causes say (see
 * {@link messageWithCauses}), a thrown string as it is, and anything else
 * (`throw { status: 404 }`) shown as JSON rather than as "[object Object]".
 */
function thrownMessage(error: unknown, redactor: Redactor): string {
  const message = readSafely(() => (error as { message?: unknown } | null | undefined)?.message);
  if (typeof message === 'string') return messageWithCauses(error, message);
  if (typeof error === 'string') return error;
  let json: string | undefined;
  try {
    json = JSON.stringify(error);
  } catch {
    // A circular or BigInt-holding value: described by its kind below.
  }
  // Cut before redaction too: `throw { token }` must not leave the token's head.
  const shown =
    json === undefined || json === '{}'
      ? describeValue(error)
      : headOutsideMatches(json, 200, redactor);
  return `it threw ${shown}, not an Error. Throw an Error with a message that says what went wrong.`;
}

/**
 * An `unsafe` tool that timed out may have acted: its `reconcile` hook decides, and without
 * an answer the call is ambiguous, never an error a model may retry. Other failures, and
 * timeouts of tools that may safely run again, are thrown as they are.
 */
async function afterTimeout(
  scope: EffectScope,
  {
    tool,
    input,
    key,
    error,
    reconcile,
  }: {
    tool: AnyTool;
    input: unknown;
    key: string;
    error: unknown;
    reconcile: (() => Promise<ReconcileAnswer<unknown>>) | undefined;
  },
): Promise<unknown> {
  if (tool.effect !== 'unsafe' || !RunError.isInstance(error) || error.code !== 'tool.timeout') {
    throw error;
  }
  scope.run.runtime.events.emit('effect.ambiguous', scope.threadId, {
    site: scope.site,
    key,
    tool: tool.name,
  });
  const answer: ReconcileAnswer<unknown> = reconcile ? await reconcile() : { status: 'unknown' };
  if (answer.status === 'completed') return answer.output;
  if (answer.status === 'not_executed') throw error;
  throw ambiguousToolError({
    tool: tool.name,
    key,
    input,
    cause: `did not finish within its ${tool.timeoutMs} ms timeout and was abandoned${answer.failure ? `, and its reconcile() ${answer.failure}` : ''}`,
    reconciled: reconcile !== undefined,
  });
}
