/** One variant of a timed workload, as the parent lists it and the child that times it builds it. */
export interface TimedVariant {
  variant: string;
  /** Steps one run takes; the row's figure is per step (µs per step, per model call …). */
  steps: number;
  note?: string;
  /**
   * Builds the variant in the process that times it (so it imports only what it uses):
   * `run` is one whole run, and throws when its result is wrong, so a broken variant cannot
   * look fast.
   */
  setup(): Promise<TimedRun>;
}

/** A built variant. */
export interface TimedRun {
  run(): Promise<void>;
  /** Figures measured once after the timing (bytes written per step …), untimed. */
  measure?(): Promise<Record<string, number>>;
  close?(): void | Promise<void>;
}

/** A timed workload: its variants, built from the options the parent passes to every child. */
export type TimedWorkload = (options: Record<string, unknown>) => TimedVariant[];
