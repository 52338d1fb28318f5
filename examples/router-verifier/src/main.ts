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
}
const { compoundUsd, strongOnlyUsd, saved, compoundRight, strongOnlyRight, rows } = comparison;
console.log(
  `\ncompound: ${usd(compoundUsd)}, ${compoundRight}/${rows.length} right; strong model alone: ${usd(strongOnlyUsd)}, ${strongOnlyRight}/${rows.length} right; saved ${(saved * 100).toFixed(1)}%`,
);
