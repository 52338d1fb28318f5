/**
 * Bytes written, attributed to steps: the step's work calls {@link ByteMeter.step} as it
 * produces its message, stores call {@link ByteMeter.add} as they write. Bytes written before
 * the first step count as setup.
 */
export class ByteMeter {
  readonly perStep: number[] = [];
  setup = 0;

  /** Starts the next step. */
  step(): void {
    this.perStep.push(0);
  }

  /** Adds bytes written to the current step. */
  add(bytes: number): void {
    if (this.perStep.length === 0) this.setup += bytes;
    else this.perStep[this.perStep.length - 1]! += bytes;
  }

  get total(): number {
    return this.perStep.reduce((sum, bytes) => sum + bytes, this.setup);
  }
}

/** Size of one message, in bytes. */
export const messageBytes = 1024;

/** Steps in the conversation. */
export const historySteps = 400;

/** The `index`-th message: 1 KB of text that starts with its index. */
export function message(index: number): string {
  const head = `message ${index}: `;
  return head + 'x'.repeat(messageBytes - head.length);
}
