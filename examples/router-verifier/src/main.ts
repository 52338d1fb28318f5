/**
 * `./run example:router-verifier`: every sample question through the compound agent and
 * through the strong model alone, with what each cost and how many each got right.
 */
import { compareCosts } from './compare-costs';
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
const { compoundUsd, strongOnlyUsd, saved, compoundRight, strongOnlyRight, rows, unfinished } =
  comparison;
const totals = `compound: ${usd(compoundUsd)}, ${compoundRight}/${rows.length} right; strong model alone: ${usd(strongOnlyUsd)}, ${strongOnlyRight}/${rows.length} right`;
if (unfinished > 0) {
  // A run that failed cost less because it did less: no savings figure compares like with like.
  console.error(
    `\n${totals}\n${unfinished} of ${rows.length} questions were not answered by both (see above): no savings figure`,
  );
  process.exitCode = 1;
} else if (compoundRight < strongOnlyRight) {
  console.log(
    `\n${totals}; the compound agent spent ${(saved * 100).toFixed(1)}% less but got fewer right`,
  );
} else {
  console.log(`\n${totals}; saved ${(saved * 100).toFixed(1)}%`);
}
