/**
 * Prints the crash test's figures for every scenario (or those named) as a Markdown table:
 *   node_modules/.bin/tsx --conditions=@agentchart/source packages/core/test/crash/run-crash-test.ts [--tsx] [scenario…]
 * `--tsx` runs the children through tsx instead of a bundle (slower, same code).
 */
import { runCrashTest } from './crash-harness';
import { crashScenarios } from './crash-scenarios';

const args = process.argv.slice(2);
const loader = args.includes('--tsx') ? 'tsx' : 'bundle';
const names = args.filter((arg) => !arg.startsWith('--'));
const rows: string[] = [
  '| scenario | boundaries covered | final outputs identical | steps lost | duplicate side effects (tool counter) | ambiguous → routed as designed | model calls re-made | time |',
  '|---|---|---|---|---|---|---|---|',
];
for (const name of names.length > 0 ? names : Object.keys(crashScenarios)) {
  const report = await runCrashTest({ scenario: name, loader });
  const hasCounter = crashScenarios[name]?.sideEffects !== undefined;
  const routedToError = crashScenarios[name]?.ambiguityFails ?? false;
  const identicalOf = report.boundaries - (routedToError ? report.ambiguous : 0);
  rows.push(
    `| ${name} | ${report.covered} of ${report.boundaries} | ${report.identical} of ${identicalOf}${routedToError ? ` (+${report.ambiguous} on the error path by design)` : ''} | ${report.stepsLost} | ${hasCounter ? report.duplicateSideEffects : 'n/a (pure tools only)'} | ${report.ambiguous} → ${report.ambiguityRouted} | ${report.modelCallsRepeated} | ${(report.durationMs / 1000).toFixed(1)} s |`,
  );
  for (const trial of report.trials.filter((item) => item.problems.length > 0)) {
    process.stderr.write(
      `${name} k=${trial.k} (${trial.boundary}): ${trial.problems.join('; ')}\n`,
    );
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
