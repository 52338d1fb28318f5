import type { Clock } from '../clock/clock';
import { ModelCallError } from '../model/model-call-error';
import type { ChatModel, ChatRequest, ChatResponse } from '../model/types';

/** Options of {@link runAttempt}. */
export interface RunAttemptOptions {
  model: ChatModel;
  request: ChatRequest;
  /** The call's signal (its caller): aborting it aborts the attempt. */
  signal: AbortSignal;
  /** The per-attempt timeout. */
  timeoutMs: number;
  /**
   * Milliseconds left before the call's deadline: reached first, the attempt is aborted with
   * a plain reason and the caller reports the deadline. Default: none.
   */
  deadlineInMs?: number;
  clock: Clock;
  onToken?: (delta: string) => void;
}

/**
 * One attempt on one model, bounded by `timeoutMs`: when it passes, the attempt's signal
 * aborts and the attempt fails with kind `timeout` (retryable). The attempt also settles as soon
 * as its signal aborts even if the model ignores the signal, so a hung adapter cannot hold the
 * call past its timeout or the caller's abort; the abandoned promise's outcome is dropped. The
 * call's deadline shares the attempt's one timer (whichever comes first).
 *
 * The timer and the link to the call's signal are made a microtask after the attempt began,
 * for the time it has left, and only if the model has not answered by then: an answer at hand
 * (a cached or scripted model, a test double) costs no timer armed and cleared and no listener
 * added and removed. An attempt that takes longer is timed out when it always was; no
 * macrotask passes before its timer is armed, so a manual clock sees it as it did.
 */
export function runAttempt(options: RunAttemptOptions): Promise<ChatResponse> {
  return new Promise<ChatResponse>((resolve, reject) => {
    new Attempt(options, resolve, reject).start();
  });
}

/**
 * One attempt's state, as an object rather than closures over the options: an attempt in
 * flight (seconds, for a model) holds its fields, not a context with a function per step.
 * It is its own listener on the call's signal (`handleEvent`).
 */
class Attempt {
  readonly #options: RunAttemptOptions;
  readonly #resolve: (response: ChatResponse) => void;
  readonly #reject: (reason: unknown) => void;
  readonly #controller = new AbortController();
  readonly #startedAt: number;
  #settled = false;
  #linked = false;
  #timer: unknown;

  constructor(
    options: RunAttemptOptions,
    resolve: (response: ChatResponse) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#options = options;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#startedAt = options.clock.now();
  }

  start(): void {
    const { model, request, signal, onToken } = this.#options;
    if (signal.aborted) this.#abort(signal.reason);
    let generation: Promise<ChatResponse>;
    try {
      generation = Promise.resolve(
        model.generate(request, {
          signal: this.#controller.signal,
          onToken: onToken && ((delta) => this.#settled || onToken(delta)),
        }),
      );
    } catch (error) {
      generation = Promise.reject(error);
    }
    generation.then(
      (response) => {
        if (this.#settled) return;
        this.#finish();
        this.#resolve(response);
      },
      (error: unknown) => {
        if (this.#settled) return;
        this.#finish();
        this.#reject(error);
      },
    );
    // Queued after the reaction of an answer already at hand: it finds the attempt settled.
    if (!this.#settled) queueMicrotask(() => this.#link());
  }

  /** The call's signal aborted: so is the attempt. */
  handleEvent(): void {
    this.#abort(this.#options.signal.reason);
  }

  #finish(): void {
    this.#settled = true;
    if (!this.#linked) return;
    this.#options.signal.removeEventListener('abort', this);
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
  }

  // Whatever aborts the attempt settles it, even when the model never looks at its signal.
  #abort(reason: unknown): void {
    this.#controller.abort(reason);
    if (this.#settled) return;
    this.#finish();
    this.#reject(reason);
  }

  #link(): void {
    if (this.#settled) return;
    this.#linked = true;
    const { signal, clock } = this.#options;
    if (signal.aborted) {
      this.#abort(signal.reason);
      return;
    }
    signal.addEventListener('abort', this, { once: true });
    const waitMs = this.#waitMs();
    if (Number.isFinite(waitMs)) {
      this.#timer = clock.setTimeout(
        () => this.#expire(),
        Math.max(0, waitMs - (clock.now() - this.#startedAt)),
      );
    }
  }

  /** The attempt's time: its timeout, or the call's deadline when that comes first. */
  #waitMs(): number {
    const { timeoutMs, deadlineInMs = Number.POSITIVE_INFINITY } = this.#options;
    return Math.min(timeoutMs, deadlineInMs);
  }

  #expire(): void {
    const { model, timeoutMs, deadlineInMs = Number.POSITIVE_INFINITY } = this.#options;
    // The deadline wins a tie: the call is over then, not just this attempt.
    if (deadlineInMs <= timeoutMs) {
      this.#abort(new Error(`the call's deadline passed during an attempt to ${model.endpoint}`));
      return;
    }
    this.#abort(
      new ModelCallError({
        kind: 'timeout',
        endpoint: model.endpoint,
        message:
          `${model.endpoint} gave no complete answer within attemptTimeoutMs (${timeoutMs} ms); ` +
          'the attempt was aborted. Raise attemptTimeoutMs for long generations.',
      }),
    );
  }
}
