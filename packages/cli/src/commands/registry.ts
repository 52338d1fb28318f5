import { graphCommand } from './graph';
import type { Command } from './types';

/** Every command `agentchart` runs, in the order its help lists them. */
export const commands: readonly Command[] = [graphCommand];

/** Commands of the design that are not built yet, with why. */
export const plannedCommands: Readonly<Record<string, string>> = {
  run: 'it runs agents on durable storage, which is being built',
  resume: 'it resumes runs from durable storage, which is being built',
  send: 'it delivers events to runs in durable storage, which is being built',
  runs: 'it lists runs from the run log, which is being built',
  show: 'it shows a run from the run log, which is being built',
  studio: 'the local viewer is being built',
  eval: 'evals are being built',
};
