import type { z } from 'zod';

/**
 * What running a tool does to the world:
 * - `pure`: nothing; safe to run any number of times;
 * - `idempotent`: a repeat with the same idempotency key has no further effect;
 * - `unsafe`: a repeat may act twice (an email, a payment). Found started but unfinished
 *   after a crash, it is *ambiguous* and goes to `reconcile` or to the chart, never silently
 *   re-run.
 *
 * The harness retries no tool call itself, of any kind: a call that fails (a 500, a 429, a
 * timeout) fails once, and goes back to the model in a tool loop (which may call again) or
 * to the chart. What the kind decides is what a crash does: a `pure` or `idempotent` call
 * found unfinished runs again, under the same idempotency key. Retry a transient fault inside
 * `execute`, within `timeoutMs`.
 */
export type ToolEffect = 'pure' | 'idempotent' | 'unsafe';

/**
 * When a call of the tool waits for a person's approval before it runs:
 * - `always`: every call, in a tool loop and in a chart's `toolCall`;
 * - `when-untrusted`: in a tool loop, once untrusted content (a tool's output, a retrieved
 *   document, an upload) is in the conversation — the default for `unsafe` tools;
 * - `never`: no approval — the default for `pure` and `idempotent` tools.
 *
 * An approval is bound to a hash of the tool's name and its exact (validated) arguments,
 * is used by one call only, expires, and is never granted by a resume, a replay or a fork.
 */
export type ToolApproval = 'always' | 'when-untrusted' | 'never';

/** What `execute` receives beside the validated input. */
export interface ToolExecuteContext {
  /** Aborted when the calling state is exited, the run stops or the tool times out. */
  signal: AbortSignal;
  /**
   * Stable for this effect across crashes and resumes: derived from (thread, effect site,
   * occurrence), as `<thread id>:<step key>`. Pass it to the outside system (e.g. an
   * `Idempotency-Key` header). It holds the thread id as it was given, so it may be longer
   * than an API takes (Stripe's keys: 255 characters) or hold characters a header cannot
   * carry (`fetch` throws on a thread id in Chinese): send a hash of it then, such as
   * `createHash('sha256').update(idempotencyKey).digest('hex')`, which is as stable.
   */
  idempotencyKey: string;
  threadId: string;
}

/** What `reconcile` answers about an `unsafe` call found started but unfinished. */
export type ReconcileResult<TOutput> =
  | { status: 'completed'; output: TOutput }
  | { status: 'not_executed' }
  | { status: 'unknown' };

/**
 * What a tool's `reconcile` hook settled, or `unknown` with why it could not (`failure`, as
 * the end of "its reconcile() …").
 */
export type ReconcileAnswer<T> = ReconcileResult<T> & { failure?: string };

/** Options of {@link defineTool}. */
export interface ToolOptions<TInput extends z.ZodType, TOutput extends z.ZodType> {
  /** Unique within an agent; letters, digits, `_` and `-` (what providers accept). */
  name: string;
  /** What the tool does and when to use it, for the model. */
  description: string;
  input: TInput;
  output: TOutput;
  effect: ToolEffect;
  /**
   * When a call waits for a person's approval. Default `when-untrusted` for `unsafe` tools,
   * `never` for the others. See {@link ToolApproval}.
   */
  approval?: ToolApproval | undefined;
  /**
   * The tool's output is the developer's own data (a clock, a calculator, a lookup in a
   * table only you write), not text an outsider may have written: it is not fenced as
   * untrusted for the model and does not make a tool loop's conversation untrusted.
   * Default false: every tool output is untrusted.
   */
  trustedOutput?: boolean | undefined;
  /**
   * The call is aborted after this long and fails with `tool.timeout`. Default 30 s. An
   * `unsafe` tool's call may have acted by then: its `reconcile` is asked, and without an
   * answer either way it fails with `effect.ambiguous` (for the chart, never the model).
   */
  timeoutMs?: number | undefined;
  /**
   * Credentials the tool holds (the API key it sends upstream): an agent that uses the tool
   * redacts them wherever a value is checkpointed, journaled, emitted or logged, as it does its
   * models' keys — an upstream that echoes a key in an answer or an error stores none.
   * Values under 8 characters are taken for placeholders and left alone. Default none.
   */
  secrets?: readonly string[] | undefined;
  execute(input: z.output<TInput>, context: ToolExecuteContext): Promise<z.input<TOutput>>;
  /**
   * For `unsafe` tools only (refused on others, which are never asked: a `pure` or
   * `idempotent` call found unfinished runs again): asks the outside system whether a call
   * that may have run did run, using its idempotency key — after a crash during the call, or
   * when it timed out. It has the tool's `timeoutMs` too, with its `signal` aborted then; one
   * that throws, does not answer in time or answers no status counts as `unknown`. Without it
   * (or on `unknown`) an ambiguous call fails with `effect.ambiguous`, for the chart.
   */
  // Typed as a method (checked as methods are: a narrower parameter is taken) that may be
  // undefined, as every option may (ADR 0080, 0090).
  reconcile?:
    | {
        reconcile(
          input: z.output<TInput>,
          context: ToolExecuteContext,
        ): Promise<ReconcileResult<z.input<TOutput>>>;
      }['reconcile']
    | undefined;
}

/** The options of {@link ToolOptions} that {@link defineTool} fills in when left out. */
export type DefaultedToolOption = 'approval' | 'trustedOutput' | 'timeoutMs' | 'secrets';

/** A tool with its typed contract and the JSON Schema sent to the model. */
export interface Tool<TInput extends z.ZodType = z.ZodType, TOutput extends z.ZodType = z.ZodType>
  extends Omit<ToolOptions<TInput, TOutput>, DefaultedToolOption | 'reconcile'> {
  readonly kind: 'agentchart.tool';
  // Given or defaulted, never `undefined`: `Required<ToolOptions>` would keep the
  // `| undefined` the options allow.
  /** {@link ToolOptions.approval}, or its default. */
  approval: ToolApproval;
  /** {@link ToolOptions.trustedOutput}, or false. */
  trustedOutput: boolean;
  /** {@link ToolOptions.timeoutMs}, or 30 000. */
  timeoutMs: number;
  /** {@link ToolOptions.secrets}, or none. */
  secrets: readonly string[];
  reconcile: ToolOptions<TInput, TOutput>['reconcile'];
  /** JSON Schema of `input`, made once at definition. */
  readonly parameters: Record<string, unknown>;
}

/** Any tool, whatever its schemas. */
export type AnyTool = Tool<any, any>;

/** The validated input type of a tool. */
export type ToolInputFrom<T> = T extends Tool<infer I, any> ? z.output<I> : never;
/** The validated output type of a tool. */
export type ToolOutputFrom<T> = T extends Tool<any, infer O> ? z.output<O> : never;
