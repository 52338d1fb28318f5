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
// What the run did, from its usage (folded from its journal), failed runs included. The
// ledger has a line for every call the budget planned; usage counts the calls a model answered.
const { usage } = outcome;
const spent = `${usage.toolCalls} tool calls, ${usage.modelCalls} model calls answered; ${usage.inputTokens + usage.outputTokens} tokens, $${usage.costUsd.toFixed(6)}`;
if (outcome.status === 'done' && outcome.output.answer !== undefined) {
  console.log(`${outcome.output.answer}\n\n${spent}`);
} else {
  const why =
    outcome.status === 'done'
      ? `${outcome.output.reason} — ${outcome.output.message}`
      : outcome.status === 'failed'
        ? `${outcome.error.code} — ${outcome.error.message}`
        : outcome.status === 'limit'
          ? `the run's ${outcome.limit.limit} limit was reached`
          : `the run ended ${outcome.status}`;
  console.error(`The research failed: ${why}`);
  console.log(spent);
  process.exitCode = 1;
}
