import { describe, expect, it } from 'vitest';
import { MemoryCostLedger } from '../cost/memory-cost-ledger';
import { RunLogCostLedger } from '../run-log/run-log-cost-ledger';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import { chatUntilRest, summarisingChat } from './testing/summarising-chat';

const stores = {
  memory: () => new MemoryCheckpointer(),
  sqlite: () => new SqliteCheckpointer({ path: ':memory:' }),
};

describe('the cost of a chat whose summary is sent again', () => {
  for (const [name, store] of Object.entries(stores)) {
    it(`counts only the calls made, in the ${name} run log as in the run (phantom cache hits under the summariser's alias)`, async () => {
      const checkpointer = store();
      const costLedger = new MemoryCostLedger();
      const { agent, cheap } = summarisingChat({ turns: 16, checkpointer, costLedger });
      const outcome = await chatUntilRest(
        agent,
        agent.start({ threadId: 'chat', input: undefined }),
      );
      const journal = await checkpointer.listEffects('chat');
      // The chat sends its summary again on some turns, with no summariser call.
      expect(journal.some((entry) => entry.meta?.summary === 'reused')).toBe(true);
      const logged = await new RunLogCostLedger(checkpointer).summarise({ threadId: 'chat' });
      expect(logged).toEqual(await costLedger.summarise({ threadId: 'chat' }));
      expect(logged).toMatchObject({ calls: outcome.usage.modelCalls, cachedCalls: 0 });
      const byModel = await new RunLogCostLedger(checkpointer).summariseBy('model');
      // The summariser: the summaries it wrote, not the turns that sent one again.
      expect(byModel.get('cheap')).toMatchObject({ calls: cheap.requests.length, cachedCalls: 0 });
      await agent.close();
    });
  }
});
