import { type Checkpoint, type Checkpointer, createAgent, type RunOutcome } from '@agentchart/core';
import type { PipelineModels } from './models';
import { tenderPipeline } from './pipeline';
import type { Tender, TenderOutcome } from './schemas';

/** One tender's line in the final table. */
export interface TenderReport {
  tenderId: string;
  title: string;
  outcome: TenderOutcome | 'limit' | 'waiting' | 'stopped';
  stopReason: string;
  tokens: number;
  modelCalls: number;
  costUsd: number;
  ms: number;
}

/** Options of {@link runBatch}. */
export interface RunBatchOptions {
  tenders: readonly Tender[];
  models: PipelineModels;
  checkpointer?: Checkpointer;
  /** Called with each progress line (a state entered, a model call, an outcome). */
  onProgress?: (line: string) => void;
  /** Called after each checkpoint is written. */
  onCheckpoint?: () => void;
  /** Prefix of the thread ids, so repeated batches do not collide in a shared store. */
  batchId?: string;
  /**
   * Continue the batch's threads that are already in the store instead of starting them:
   * a finished one is reported from its checkpoint (no model call), one a killed process
   * left mid-way resumes from its last checkpoint. `force` takes a thread whose previous
   * owner's lease is still live: only when that process is known to be gone.
   */
  resume?: false | { force: boolean };
  now?: () => number;
}

/** Runs the pipeline over every tender, one after another, and reports each outcome. */
export async function runBatch({
  tenders,
  models,
  checkpointer,
  onProgress = () => {},
  onCheckpoint = () => {},
  batchId = 'batch',
  resume = false,
  now = () => performance.now(),
}: RunBatchOptions): Promise<TenderReport[]> {
  const agent = createAgent({
    machine: tenderPipeline,
    models: { classifier: models.classifier, writer: models.writer },
    ...(checkpointer ? { checkpointer } : {}),
    limits: { maxModelCalls: 20, maxSteps: 100 },
  });
  agent.events.on('checkpoint.write', () => onCheckpoint());
  agent.events.on('state.enter', ({ state }) => onProgress(`    → ${state}`));
  agent.events.on('llm.call.reask', ({ reason }) => onProgress(`      ↺ re-asked: ${reason}`));
  agent.events.on('tool.call.end', ({ tool, latencyMs }) =>
    onProgress(`      ⚙ ${tool} (${latencyMs} ms)`),
  );
  agent.events.on('tool.call.invalid', ({ message }) =>
    onProgress(`      ✗ invalid call sent back: ${message}`),
  );
  agent.events.on('tool.call.error', ({ tool, error }) =>
    onProgress(`      ✗ ${tool}: ${error.message}`),
  );
  const reports: TenderReport[] = [];
  for (const [index, tender] of tenders.entries()) {
    onProgress(`[${index + 1}/${tenders.length}] ${tender.id} ${tender.title}`);
    const started = now();
    const threadId = `${batchId}:${tender.id}`;
    const stored = resume ? await agent.getCheckpoint(threadId) : undefined;
    let report: TenderReport;
    if (stored && stored.run.status !== 'running' && stored.run.status !== 'waiting') {
      onProgress(`    (finished before the restart: read from checkpoint ${stored.version})`);
      report = storedReport(tender, stored, now() - started);
    } else {
      if (stored) onProgress(`    (resuming from checkpoint ${stored.version})`);
      const outcome = stored
        ? ((await (await agent.resume(threadId, resume || {})).result()) as PipelineOutcome)
        : await agent.run({ threadId, input: { tender } });
      report = reportOf(tender, outcome, now() - started);
    }
    onProgress(`    = ${report.outcome}: ${report.stopReason}`);
    reports.push(report);
  }
  return reports;
}

type PipelineOutcome = RunOutcome<{ outcome: TenderOutcome; stopReason: string }>;

/** The report of a thread that finished before a restart, read from its last checkpoint. */
function storedReport(tender: Tender, checkpoint: Checkpoint, ms: number): TenderReport {
  const { status, usage } = checkpoint.run;
  const base = {
    tenderId: tender.id,
    title: tender.title,
    tokens: usage.inputTokens + usage.outputTokens,
    modelCalls: usage.modelCalls,
    costUsd: usage.costUsd,
    ms: Math.round(ms),
  };
  if (status === 'done') {
    const { output } = checkpoint.snapshot as {
      output: { outcome: TenderOutcome; stopReason: string };
    };
    return { ...base, outcome: output.outcome, stopReason: output.stopReason };
  }
  const outcome = status === 'failed' || status === 'limit' ? status : 'stopped';
  return { ...base, outcome, stopReason: `${status} before the restart` };
}

function reportOf(tender: Tender, outcome: PipelineOutcome, ms: number): TenderReport {
  const { usage } = outcome;
  const base = {
    tenderId: tender.id,
    title: tender.title,
    tokens: usage.inputTokens + usage.outputTokens,
    modelCalls: usage.modelCalls,
    costUsd: usage.costUsd,
    ms: Math.round(ms),
  };
  switch (outcome.status) {
    case 'done':
      return { ...base, outcome: outcome.output.outcome, stopReason: outcome.output.stopReason };
    case 'failed':
      return {
        ...base,
        outcome: 'failed',
        stopReason: `${outcome.error.code}: ${outcome.error.message}`,
      };
    case 'limit':
      return {
        ...base,
        outcome: 'limit',
        stopReason: `${outcome.limit.limit} reached (${outcome.limit.max})`,
      };
    case 'waiting':
      return { ...base, outcome: 'waiting', stopReason: 'waiting for a human' };
    case 'stopped':
      return { ...base, outcome: 'stopped', stopReason: 'stopped' };
  }
}
