import { join } from 'node:path';
import { createAgent } from '../../src/agent/create-agent';
import { summarisingChat } from '../../src/pipeline/testing/summarising-chat';
import { scriptedModel } from '../../src/testing/scripted-model';
import { invoiceMachine, invoiceResponse } from '../fixtures/invoice-agent';
import { sqliteLedger } from '../fixtures/sqlite-ledger';
import type { CrashScenario, CrashScenarioContext } from './crash-scenario';

const ledgerFile = 'ledger.db';

function invoiceScenario(reconcile: boolean): CrashScenario {
  return {
    name: reconcile ? 'invoice-reconcile' : 'invoice-no-reconcile',
    description: reconcile
      ? 'tool-using agent: structured call, tool loop with a pure and an unsafe tool (with reconcile), human approval, after delay'
      : 'the same agent, its unsafe tool without a reconcile hook (an ambiguous call goes to the chart error path)',
    threadId: 'invoice-1',
    input: { request: 'invoice c-42' },
    reply: { approved: true },
    ambiguityFails: !reconcile,
    create({ checkpointer, dir, boundary, counted }: CrashScenarioContext) {
      const ledger = sqliteLedger(join(dir, ledgerFile));
      const model = counted(scriptedModel({ handler: invoiceResponse }));
      const agent = createAgent({
        machine: invoiceMachine({
          ledger,
          reconcile,
          afterSend: () => boundary('unsafe tool acted'),
        }),
        models: { fast: model },
        checkpointer,
      });
      return { agent, close: ledger.close };
    },
    sideEffects(dir) {
      const ledger = sqliteLedger(join(dir, ledgerFile));
      try {
        return ledger.counts();
      } finally {
        ledger.close();
      }
    },
  };
}

/**
 * A chat of ten turns, each a new tool loop over the whole conversation on a 4K window with
 * `compress-history`: from the seventh turn on, each turn starts from the summary an earlier
 * turn recorded, found through the run's checkpointed state after every restart.
 */
const chatSummaries: CrashScenario = {
  name: 'chat-summaries',
  description:
    'chat agent: each of ten turns a new tool loop whose compressed history starts from the summary an earlier turn sent',
  threadId: 'chat-1',
  input: undefined,
  create({ checkpointer, counted }: CrashScenarioContext) {
    return { agent: summarisingChat({ turns: 10, checkpointer, wrapModel: counted }).agent };
  },
};

/** The scenarios the crash test runs, by name. */
export const crashScenarios: Record<string, CrashScenario> = {
  'invoice-reconcile': invoiceScenario(true),
  'invoice-no-reconcile': invoiceScenario(false),
  'chat-summaries': chatSummaries,
};
