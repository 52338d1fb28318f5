/**
 * `./run example:router-verifier`: every sample question through the compound agent and
 * through the strong model alone, with what each cost and how many each got right.
 */
import { compareCosts, summaryOf } from './compare-costs';
import { compoundModels } from './models';
import { sampleQuestions } from './questions';

const models = await compoundModels();
console.log(`router → generator → verifier on ${models.description}\n`);
const comparison = await compareCosts({ questions: sampleQuestions, models });
const usd = (value: number) => `$${value.toFixed(6)}`;
for (const row of comparison.rows) {
  console.log(
    `${row.compound.right ? '✓' : '✗'} ${row.route.padEnd(7)} ${row.model.padEnd(6)} rev ${row.revisions}  ${usd(row.compound.costUsd)} vs ${usd(row.strongOnly.costUsd)}  ${row.question}`,
  );
  if (row.compound.unfinished) console.log(`    compound ${row.compound.unfinished}`);
  if (row.strongOnly.unfinished) console.log(`    strong model alone ${row.strongOnly.unfinished}`);
}
const { line, answered } = summaryOf(comparison);
if (answered) {
  console.log(`\n${line}`);
} else {
  console.error(`\n${line}`);
  process.exitCode = 1;
}
