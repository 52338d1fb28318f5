// Runs the vitest suite and ends with one plain summary line ("tests: N passed, N failed,
// N skipped") that CI reads, then exits with vitest's own exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const reportDir = join(process.cwd(), 'node_modules', '.vitest-report');
const reportFile = join(reportDir, 'report.json');
mkdirSync(reportDir, { recursive: true });
rmSync(reportFile, { force: true });

const vitest = spawnSync(
  process.execPath,
  [
    join('node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(
    `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`,
  );
} else {
  console.log('tests: 0 passed, 1 failed (vitest wrote no report)');
}
process.exit(vitest.status ?? 1);
