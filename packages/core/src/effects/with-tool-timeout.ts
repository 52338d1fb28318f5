import type { Clock } from '../clock/clock';
import { RunError } from '../errors/run-error';
import type { AnyTool } from '../tools/types';
import type { EffectScope } from './effect-scope';

/**
 * Runs `execute` with `tool`'s timeout on the injected clock. One
 * controller per call, linked to the effect's abort by the call as its listener:
 * `AbortSignal.any` costs several times more on this path (see docs/performance.md). The
 * call listens through the effect's own listeners, not its signal, so an effect whose code
 * never reads `scope.signal` (a `toolCall`) never makes one.
 *
 * The timeout's timer is armed a microtask after the call began, for the time the call has
 * left, and only if it is still running then: a tool whose answer is at hand (a lookup, a
 * computation) has finished by then, and a timer armed and cleared for each such call was a
 * measurable part of a tool step. A call that takes longer is timed out when it always was;
 * no macrotask passes before its timer is armed, so a manual clock sees it as it did.
 * `startedAt` is when the call began on the run's clock, when the caller has read it already
 * (a journaled step's start): the timeout counts from it.
 */
export function withToolTimeout(
  scope: EffectScope,
  tool: AnyTool,
  execute: (signal: AbortSignal) => Promise<unknown>,
  afterAbort?: (value: unknown) => Promise<void>,
  startedAt?: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const call = new ToolCallTimeout(scope, tool, reject, startedAt ?? scope.run.clock.now());
    if (scope.aborted) call.handleEvent();
    else scope.addAbortListener(call);
    // A plain function (`execute: ({ a, b }) => a + b`, or JavaScript without types) answers
    // or throws at once: its answer is still the tool's result, never a failure after it ran.
    let running: Promise<unknown>;
    try {
      running = Promise.resolve(execute(call.controller.signal));
    } catch (error) {
      running = Promise.reject(error);
    }
    // Aborted or timed out, the call rejects at once, but the tool may still be acting: an
    // unsafe one keeps the thread's lease until it has settled — and, when its effect was
    // aborted (the run handed back by close(), say), until `afterAbort` has recorded what it
    // returned, so whoever resumes the thread finds the step done instead of ambiguous.
    if (tool.effect === 'unsafe') {
      scope.run.holdLease(
        afterAbort
          ? running.then(
              // Only a call its effect's abort ended: one that timed out first was recorded
              // (or reconciled) then, and its step has nothing left to pair with.
              (value) => (call.endedBy === 'abort' ? afterAbort(value) : undefined),
              () => undefined,
            )
          : running,
      );
    }
    running.then(
      (value) => {
        call.finish();
        resolve(value);
      },
      (error: unknown) => {
        call.finish();
        reject(error);
      },
    );
    // Queued after the call's own reaction: an answer already there settles it first.
    queueMicrotask(() => call.arm());
  });
}

/** One tool call's timeout and abort link. */
class ToolCallTimeout {
  readonly controller = new AbortController();
  readonly #scope: EffectScope;
  readonly #tool: AnyTool;
  readonly #startedAt: number;
  readonly #reject: (error: unknown) => void;
  readonly #clock: Clock;
  #timer: unknown;
  #finished = false;
  /** What ended the call before the tool did, if anything. */
  endedBy: 'abort' | 'timeout' | undefined;

  constructor(
    scope: EffectScope,
    tool: AnyTool,
    reject: (error: unknown) => void,
    startedAt: number,
  ) {
    this.#scope = scope;
    this.#tool = tool;
    this.#reject = reject;
    this.#clock = scope.run.clock;
    this.#startedAt = startedAt;
  }

  /** Arms the timer for the time the call has left, unless it finished. */
  arm(): void {
    if (this.#finished) return;
    const left = this.#tool.timeoutMs - (this.#clock.now() - this.#startedAt);
    this.#timer = this.#clock.setTimeout(() => this.#timedOut(), Math.max(0, left));
  }

  /** The effect was aborted (this is its abort listener). */
  handleEvent(): void {
    if (!this.#finished) this.endedBy ??= 'abort';
    const reason = this.#scope.abortReason;
    this.controller.abort(reason);
    this.#reject(reason);
  }

  /** The call settled: its timer and listener go. */
  finish(): void {
    this.#finished = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#scope.removeAbortListener(this);
  }

  #timedOut(): void {
    this.endedBy ??= 'timeout';
    const tool = this.#tool;
    const error = new RunError('tool.timeout', {
      message: `Tool "${tool.name}" did not finish within ${tool.timeoutMs} ms and was aborted. Raise its timeoutMs or make it faster.`,
      details: { tool: tool.name, timeoutMs: tool.timeoutMs },
    });
    this.controller.abort(error);
    this.#reject(error);
  }
}
