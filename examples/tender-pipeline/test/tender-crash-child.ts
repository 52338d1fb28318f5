/** The crash test's child process for the tender pipeline (see tender-crash.test.ts). */
import { runCrashChild } from '../../../packages/core/test/crash/run-crash-child';
import { tenderScenario } from './tender-crash-scenario';

await runCrashChild({ 'tender-pipeline': tenderScenario });
