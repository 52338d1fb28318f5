/**
 * Prints the sandbox race test's figures for every scenario (or those named) as Markdown:
 *   node_modules/.bin/tsx --conditions=@agentchart/source packages/tools/test/race/run-race-test.ts [--seconds=3] [scenario…]
 * Linux only; needs `cc` and `mkfifo`. The racer takes one CPU for the whole run.
 */
import { runRaceTest } from './race-harness';
import { raceScenarios } from './race-scenarios';

const args = process.argv.slice(2);
const seconds = Number(args.find((arg) => arg.startsWith('--seconds='))?.split('=')[1] ?? 3);
const names = args.filter((arg) => !arg.startsWith('--'));
const { scenarios } = await runRaceTest({
  scenarios: names.length > 0 ? names : Object.keys(raceScenarios),
  seconds,
});

const thousands = (value: number) => value.toLocaleString('en-US');
const detail = [
  '| scenario | calls | returned from inside | refused | other failures | escapes | hangs | thread pool stuck after | racer swaps/s |',
  '|---|---|---|---|---|---|---|---|---|',
];
const summary = [
  '| scenario | trials | nothing lost | nothing doubled | escapes |',
  '|---|---|---|---|---|',
];
for (const report of scenarios) {
  const refused = Object.values(report.refused).reduce((sum, count) => sum + count, 0);
  const reasons = Object.entries(report.refused)
    .map(([reason, count]) => `${reason} ${thousands(count)}`)
    .join(', ');
  const swapsPerSecond = Math.round(report.swaps / report.racerSeconds);
  detail.push(
    `| ${report.description} | ${thousands(report.calls)} | ${thousands(report.ok)} | ${thousands(refused)}${reasons ? ` (${reasons})` : ''} | ${report.failed} | ${thousands(report.escapes)} | ${report.hangs} | ${report.poolBlocked ? 'yes' : 'no'} | ${thousands(swapsPerSecond)} |`,
  );
  summary.push(
    `| file-system sandbox: ${report.description}, ${seconds} s at ${thousands(swapsPerSecond)} swaps/s; ${report.hangs} hangs | ${thousands(report.calls)} calls | ${report.lost === 0 ? 'yes' : `no (${report.lost} lost)`} | ${report.doubled === 0 ? 'yes' : `no (${report.doubled})`} | ${thousands(report.escapes)} |`,
  );
  for (const sample of [...report.escapeSamples, ...report.failureSamples]) {
    process.stderr.write(`${report.scenario}: ${sample}\n`);
  }
}
process.stdout.write(`${detail.join('\n')}\n\n${summary.join('\n')}\n`);
