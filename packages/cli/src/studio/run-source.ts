import type { RunDetail, RunPage, RunQuery } from './types';

/**
 * Where the studio reads runs from. Today the checkpoints and the effect journal of a run
 * database ({@link journalRunSource}); a source over the run log's typed columns can replace
 * it without the server or the page changing.
 */
export interface RunSource {
  /** A page of runs matching `query`: waiting runs first, then the most recently updated. */
  listRuns(query: RunQuery): Promise<RunPage>;
  /** One run's timeline, or undefined for an unknown thread. */
  getRun(threadId: string): Promise<RunDetail | undefined>;
  /** A value that changes whenever a run is added or advances: the studio polls it. */
  changeToken(): Promise<string>;
  close(): void;
}
