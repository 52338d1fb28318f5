/**
 * The tender pipeline demo: `./run demo`. Runs ten sample tenders through the pipeline on the
 * embedded offline model (or a real one when OPENAI_API_KEY is set), printing progress per
 * tender and state, then a table of outcomes, tokens, cost and time.
 */
import { resolve } from 'node:path';
import { SqliteCheckpointer } from '@agentchart/core';
import { formatTable } from './format-table';
import { pipelineModels } from './models';
import { runBatch } from './run-batch';
import { sampleTenders } from './tenders';

const models = await pipelineModels();
// The embedded default store: every step checkpointed and every effect journaled in a local
// SQLite file, so any tender's run can be resumed, replayed or inspected later.
const databasePath = resolve('.agentchart/runs.db');
const checkpointer = new SqliteCheckpointer({ path: databasePath });
let checkpoints = 0;
console.log(`agentchart demo: tender pipeline on ${models.description}`);
console.log(`runs are checkpointed to ${databasePath}\n`);
const started = performance.now();
const batchId = `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`;
const reports = await runBatch({
  tenders: sampleTenders,
  models,
  checkpointer,
  batchId,
  onProgress: (line) => console.log(line),
  onCheckpoint: () => checkpoints++,
});
console.log(`\n${formatTable(reports)}\n`);
console.log(
  `${checkpoints} checkpoints written to ${databasePath} (threads ${batchId}:T-101 … T-110); finished in ${Math.round(performance.now() - started)} ms`,
);
