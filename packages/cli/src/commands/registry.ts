import { evalCommand } from './eval';
import { graphCommand } from './graph';
import { runsCommand } from './runs';
import { showCommand } from './show';
import type { Command } from './types';

/** Every command `agentchart` runs, in the order its help lists them. */
export const commands: readonly Command[] = [graphCommand, runsCommand, showCommand, evalCommand];

/** Commands of the design that are not built yet, with why. */
export const plannedCommands: Readonly<Record<string, string>> = {
  run: 'it runs agents on durable storage, which is being built',
  resume: 'it resumes runs from durable storage, which is being built',
  send: 'it delivers events to runs in durable storage, which is being built',
  studio: 'the local viewer is being built',
};
