import { eraseCommand } from './erase';
import { evalCommand } from './eval';
import { graphCommand } from './graph';
import { pruneCommand } from './prune';
import { resumeCommand } from './resume';
import { runCommand } from './run';
import { runsCommand } from './runs';
import { sendCommand } from './send';
import { showCommand } from './show';
import { stopCommand } from './stop';
import { studioCommand } from './studio';
import type { Command } from './types';
import { waitsCommand } from './waits';
import { workerCommand } from './worker';

/** Every command `agentchart` runs, in the order its help lists them. */
export const commands: readonly Command[] = [
  runCommand,
  resumeCommand,
  sendCommand,
  stopCommand,
  waitsCommand,
  workerCommand,
  runsCommand,
  showCommand,
  pruneCommand,
  eraseCommand,
  graphCommand,
  evalCommand,
  studioCommand,
];

/** Commands of the design that are not built yet, with why (none left: kept for the next). */
export const plannedCommands: Readonly<Record<string, string>> = {};
