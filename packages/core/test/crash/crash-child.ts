/** The crash test's child process for core's own scenarios (see run-crash-child.ts). */
import { crashScenarios } from './crash-scenarios';
import { runCrashChild } from './run-crash-child';

await runCrashChild(crashScenarios);
