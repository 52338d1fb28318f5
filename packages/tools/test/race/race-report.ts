/** What the parent tells the race test's child, through `AGENTCHART_RACE_CHILD`. */
export interface RaceChildConfig {
  /** Names from `raceScenarios`, run one after the other. */
  scenarios: string[];
  /** How long the racer swaps in each scenario. */
  seconds: number;
  /** The compiled racer (`swap-paths.c`). */
  racer: string;
  /** Tool calls in flight at once. */
  concurrency: number;
  /** A call still pending this long after it started counts as a hang. */
  callDeadlineMs: number;
}

/** The figures of one scenario. */
export interface ScenarioReport {
  scenario: string;
  description: string;
  calls: number;
  /** Calls that returned something from inside the root. */
  ok: number;
  /** Calls refused with a SandboxError, by reason. */
  refused: Record<string, number>;
  /** Calls that failed with anything else. */
  failed: number;
  failureSamples: string[];
  /** Calls that returned something from outside the root, plus files created outside it. */
  escapes: number;
  escapeSamples: string[];
  /** Calls still pending after the deadline. */
  hangs: number;
  /** A file stat and a DNS lookup did not complete after the run: the thread pool was stuck. */
  poolBlocked: boolean;
  /** Writes reported done whose file is not in the root with its content. */
  lost: number;
  /** Writes that landed both inside and outside. */
  doubled: number;
  swaps: number;
  racerSeconds: number;
}

/** The line the child prints. */
export interface RaceReport {
  scenarios: ScenarioReport[];
}
