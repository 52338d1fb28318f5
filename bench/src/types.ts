/** How a measured row came out. */
export type RowStatus = 'ok' | 'pending' | 'error' | 'skipped';

/** One variant of one workload, as the table and the JSON show it. */
export interface Row {
  workload: string;
  variant: string;
  status: RowStatus;
  /** Metrics by name, in the units their names end with (`usPerStep`, `peakRssMb`, …). */
  metrics: Record<string, number>;
  /** Why a row is pending, skipped or failed; or a fact the reader needs to read the figure. */
  note?: string;
  /**
   * Timed rows: the mean µs per run of each round, in round order. Rows of one workload ran
   * their rounds side by side, so ratios are taken round by round (see `roundRatio`).
   */
  roundsUsPerRun?: number[];
  /**
   * Child-process rows: each pass's value of a metric, in pass order. Rows of one workload
   * ran their passes side by side, so ratios are taken pass by pass (see `roundRatio`).
   */
  passMetrics?: Record<string, number[]>;
}

/** The variant families every workload is measured in. */
export type VariantFamily = 'plain' | 'xstate' | 'agentchart' | 'langgraph';

/** A target from issue 5 and whether this run met it. */
export interface TargetResult {
  target: string;
  /** The measured figure the target is judged on, written out (`1.41× raw XState`). */
  measured: string;
  verdict: 'met' | 'missed' | 'pending';
}
