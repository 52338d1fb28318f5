/**
 * `./run example:research-agent`: one question, researched with parallel tool calls under a
 * context budget. Prints each tool call as it starts and ends (calls of one step overlap),
 * then every model call's budget ledger, then the answer.
 */
import { researchAgent } from './agent';
import { formatLedger } from './format-ledger';
import { researchModel } from './models';

const question =
  process.argv.slice(2).join(' ') ||
  'How far along is shore power in Rotterdam and Hamburg, and what were port emissions in 2024?';
const { model, description } = await researchModel();
const agent = researchAgent(model);
console.log(`research agent on ${description}\nQuestion: ${question}\n`);
const started = performance.now();
const at = () => `${String(Math.round(performance.now() - started)).padStart(5)} ms`;
const ledgers: string[] = [];
agent.events.on('tool.call.start', ({ tool, input }) =>
  console.log(`${at()}  ▶ ${tool} ${JSON.stringify(input)}`),
);
agent.events.on('tool.call.end', ({ tool }) => console.log(`${at()}  ■ ${tool}`));
agent.events.on('budget.ledger', ({ callId, ledger }) =>
  ledgers.push(formatLedger(callId, ledger)),
);
const outcome = await agent.run({ input: { question } });
console.log(
  `\nbudget ledger, one line per model call:\n${ledgers.map((line) => `  ${line}`).join('\n')}\n`,
);
if (outcome.status === 'done') {
  console.log(`${outcome.output.answer ?? outcome.output.reason}\n`);
  console.log(
    `${outcome.output.toolCalls} tool calls in ${outcome.output.steps} model calls; ${outcome.usage.inputTokens + outcome.usage.outputTokens} tokens, $${outcome.usage.costUsd.toFixed(6)}`,
  );
} else {
  console.log(outcome);
}
