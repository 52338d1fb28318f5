import { demoModel } from '../../../../examples/tender-pipeline/src/demo-model';
import { tenderPipeline } from '../../../../examples/tender-pipeline/src/pipeline';
import { sampleTenders } from '../../../../examples/tender-pipeline/src/tenders';
import { createAgent } from '../../src/agent/create-agent';
import type { CrashScenario } from './crash-scenario';

const tender = sampleTenders.find((item) => item.id === 'T-101')!;

/**
 * The demo (examples/tender-pipeline) on tender T-101, the path that takes every stage:
 * filter, rate, research with tools, write the bid. Its tools are all `pure`.
 */
export const tenderScenario: CrashScenario = {
  name: 'tender-pipeline',
  description:
    'the demo (examples/tender-pipeline), tender T-101: filter → rate → research (tool loop, pure tools) → write',
  threadId: 'tender-T-101',
  input: { tender },
  create({ checkpointer, counted }) {
    const classifier = counted(demoModel({ name: 'demo-classifier', latencyMs: 0 }));
    const writer = counted(demoModel({ name: 'demo-writer', latencyMs: 0 }));
    const agent = createAgent({
      machine: tenderPipeline,
      models: { classifier, writer },
      checkpointer,
      limits: { maxModelCalls: 20, maxSteps: 100 },
    });
    return { agent };
  },
};
