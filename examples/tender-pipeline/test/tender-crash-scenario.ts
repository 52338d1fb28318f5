import { createAgent } from '@agentchart/core';
import type { CrashScenario } from '../../../packages/core/test/crash/crash-scenario';
import { demoModel } from '../src/demo-model';
import { tenderPipeline } from '../src/pipeline';
import { sampleTenders } from '../src/tenders';

const tender = sampleTenders.find((item) => item.id === 'T-101')!;

/**
 * The demo on tender T-101, the path that takes every stage:
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
