/**
 * Prints the lease race's figures (docs/reliability.md):
 *   node_modules/.bin/tsx --conditions=@agentchart/source packages/core/test/leases/run-lease-race.ts [trials]
 */
import { runLeaseRace } from './lease-race';

const trials = Number(process.argv[2] ?? 30);
process.stdout.write(
  '| scenario | trials | nothing lost | nothing doubled | resumes refused with lease_held |\n|---|---|---|---|---|\n',
);
for (const scenario of [
  'rival-while-running',
  'two-resumers-after-crash',
  'two-forced-resumes-after-crash',
] as const) {
  const report = await runLeaseRace({ scenario, trials });
  process.stdout.write(
    `| ${scenario} | ${trials} | ${trials - report.lost} of ${trials} | ${trials - report.duplicates} of ${trials} | ${report.refused} |\n`,
  );
}
