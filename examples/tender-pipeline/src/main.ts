/**
 * The tender pipeline demo: `./run demo`. Runs ten sample tenders through the pipeline on the
 * embedded offline model (or a real one when OPENAI_API_KEY is set), printing progress per
 * tender and state, then a table of outcomes, tokens, cost and time.
 */
import { formatTable } from './format-table';
import { pipelineModels } from './models';
import { runBatch } from './run-batch';
import { sampleTenders } from './tenders';

const models = await pipelineModels();
console.log(`agentchart demo: tender pipeline on ${models.description}\n`);
const started = performance.now();
const reports = await runBatch({
  tenders: sampleTenders,
  models,
  batchId: `demo-${Date.now()}`,
  onProgress: (line) => console.log(line),
});
console.log(`\n${formatTable(reports)}\n`);
console.log(`finished in ${Math.round(performance.now() - started)} ms`);
