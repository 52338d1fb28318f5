import type { ChatResponse } from '../model/types';
import type { TokenSink } from './types';

/**
 * A model call's streamed deltas held back from `sink` until the answer has been checked
 * whole: what a consumer shows must be the answer the effect uses, and a delta once emitted
 * cannot be taken back (a browser has shown it).
 */
export class HeldTokens {
  readonly #sink: TokenSink;
  readonly #held: Array<{ delta: string; attempt: number }> = [];

  constructor(sink: TokenSink) {
    this.#sink = sink;
  }

  /** Takes the call's deltas in the sink's place. */
  readonly hold: TokenSink = (delta, attempt) => {
    this.#held.push({ delta, attempt });
  };

  /**
   * Emits the deltas of the attempt that answered. Those of attempts that failed part-way
   * are dropped: their `llm.call.retry` went out while they were held, so a consumer could
   * no longer tell them from the answer.
   */
  release(): void {
    const last = this.#held.at(-1)?.attempt;
    for (const { delta, attempt } of this.#held) if (attempt === last) this.#sink(delta, attempt);
  }

  /**
   * Emits `replacement`'s text, as one delta of the attempt that answered, in place of what
   * was streamed. Nothing when nothing was (an answer from the cache, or without text).
   */
  replaceWith(replacement: ChatResponse): void {
    const last = this.#held.at(-1)?.attempt;
    if (last !== undefined && replacement.content !== '') this.#sink(replacement.content, last);
  }
}
