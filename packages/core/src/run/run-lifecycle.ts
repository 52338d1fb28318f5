import type { RunStatus } from '../store/types';

/**
 * Where a run is in this process. The stored {@link RunStatus} is what other processes see;
 * a phase says more: `wrapping-up` is a run whose limit the chart is handling within its
 * grace; `evicted` left memory with its checkpoint intact; `taken-over` lost its thread to
 * another owner and must not act again.
 */
export type RunPhase =
  | 'starting'
  | 'running'
  | 'wrapping-up'
  | 'waiting'
  | 'done'
  | 'failed'
  | 'limit'
  | 'stopped'
  | 'evicted'
  | 'taken-over';

/** The phases a run ends in: nothing moves it again in this process. */
export type EndedPhase = Exclude<RunPhase, 'starting' | 'running' | 'wrapping-up' | 'waiting'>;

/**
 * Every move a run may make, in one table. `waiting` → `running` is an event or a reply;
 * `running` → `wrapping-up` hands a reached limit to the chart; ended phases move nowhere.
 */
const transitions: Readonly<Record<RunPhase, readonly RunPhase[]>> = {
  starting: ['running', 'failed', 'stopped', 'taken-over'],
  running: [
    'waiting',
    'wrapping-up',
    'done',
    'failed',
    'limit',
    'stopped',
    'evicted',
    'taken-over',
  ],
  'wrapping-up': ['waiting', 'done', 'failed', 'limit', 'stopped', 'evicted', 'taken-over'],
  waiting: ['running', 'wrapping-up', 'failed', 'limit', 'stopped', 'evicted', 'taken-over'],
  done: [],
  failed: [],
  limit: [],
  stopped: [],
  evicted: [],
  'taken-over': [],
};

/** True for a stored status a run ends in: nothing moves the thread on from it. */
export function isEndedStatus(status: string | undefined): boolean {
  return status === 'done' || status === 'failed' || status === 'limit' || status === 'stopped';
}

/** The status a phase is stored as. `evicted` and `taken-over` write nothing. */
export function storedStatusOf(phase: RunPhase): RunStatus {
  switch (phase) {
    case 'starting':
    case 'running':
    case 'wrapping-up':
      return 'running';
    case 'waiting':
    case 'evicted':
      return 'waiting';
    case 'taken-over':
      return 'running';
    default:
      return phase;
  }
}

/**
 * A run's phase and the one guarded way to change it. A move the table does not list is
 * refused (returns false) — a late error after `done`, a second stop — so callers never
 * check flags of their own.
 */
export class RunLifecycle {
  #phase: RunPhase;
  readonly #onChange: (from: RunPhase, to: RunPhase) => void;

  constructor(initial: RunPhase, onChange: (from: RunPhase, to: RunPhase) => void) {
    this.#phase = initial;
    this.#onChange = onChange;
  }

  get phase(): RunPhase {
    return this.#phase;
  }

  /** True in a phase the run no longer leaves. */
  get ended(): boolean {
    return transitions[this.#phase].length === 0;
  }

  /** True while the run does work: effects run, checkpoints are written. */
  get active(): boolean {
    return this.#phase === 'starting' || this.#phase === 'running' || this.#phase === 'wrapping-up';
  }

  /** True when the table allows `to` from the current phase. */
  can(to: RunPhase): boolean {
    return transitions[this.#phase].includes(to);
  }

  /** Moves to `to` when the table allows it; returns whether it moved. */
  moveTo(to: RunPhase): boolean {
    if (!this.can(to)) return false;
    const from = this.#phase;
    this.#phase = to;
    this.#onChange(from, to);
    return true;
  }
}

/** The lifecycle table, for docs and tests: phase → phases it may move to. */
export const runTransitions = transitions;
