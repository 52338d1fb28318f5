/**
 * The tender pipeline demo: `./run demo`. Runs ten sample tenders through the pipeline on the
 * embedded offline model (or a real one when OPENAI_API_KEY is set), printing progress per
 * tender and state, then a table of outcomes, tokens, cost and time. A demo killed mid-batch
 * continues that batch when started again: finished tenders are read back from their
 * checkpoints, the one in flight resumes where it was, and no model call is paid twice.
 */
import { dirname, join, resolve } from 'node:path';
import { SqliteCheckpointer } from '@agentchart/core';
import { finishDemoBatch, startDemoBatch } from './demo-batch';
import { formatTable } from './format-table';
import { pipelineModels } from './models';
import { runBatch } from './run-batch';
import { sampleTenders } from './tenders';

const models = await pipelineModels();
// The embedded default store: every step checkpointed and every effect journaled in a local
// SQLite file, so any tender's run can be resumed, replayed or inspected later. Found as the
// agentchart command finds it: AGENTCHART_DB, else .agentchart/runs.db.
const databasePath = resolve(process.env.AGENTCHART_DB || '.agentchart/runs.db');
const batchFile = join(dirname(databasePath), 'demo-batch.json');
const start = startDemoBatch(batchFile);
if (start.kind === 'busy') {
  console.error(
    `Another demo (pid ${start.pid}) is running its batch on ${databasePath}; wait for it to finish, or stop it first.`,
  );
  process.exit(1);
}
const { batch } = start;
const checkpointer = new SqliteCheckpointer({ path: databasePath });
let checkpoints = 0;
console.log(`agentchart demo: tender pipeline on ${models.description}`);
console.log(`runs are checkpointed to ${databasePath}`);
if (start.kind === 'continue') {
  console.log(
    `continuing batch ${batch.batchId}: the demo before (pid ${start.killedPid}) stopped before it finished`,
  );
}
console.log('');
const started = performance.now();
const reports = await runBatch({
  tenders: sampleTenders,
  models,
  checkpointer,
  batchId: batch.batchId,
  // The demo that left the batch is gone (its pid is not running), so its threads are
  // taken at once rather than after their leases lapse.
  resume: start.kind === 'continue' ? { force: true } : false,
  onProgress: (line) => console.log(line),
  onCheckpoint: () => checkpoints++,
});
finishDemoBatch(batchFile, batch);
console.log(`\n${formatTable(reports)}\n`);
console.log(
  `${checkpoints} checkpoints written to ${databasePath} (threads ${batch.batchId}:T-101 … T-110); finished in ${Math.round(performance.now() - started)} ms`,
);
// The run log (table effect_log, beside the journal) has every step of the batch: its sums
// are the totals above.
console.log(
  `every step is in the run log: agentchart runs --thread ${batch.batchId}: --db ${databasePath} (./run agentchart … in a clone of the repository)\n  or in SQL: SELECT sum(cost_usd), sum(input_tokens + output_tokens) FROM effect_log WHERE thread_id LIKE '${batch.batchId}:%';`,
);
