import {
  Annotation,
  type BaseCheckpointSaver,
  Command,
  END,
  interrupt,
  MemorySaver,
  START,
  StateGraph,
} from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import { sqliteFileBytes } from '../../stores/sqlite-file-bytes';
import { tempDir } from '../../stores/temp-dir';
import { finishPayment, type Payment, preparePayment } from './approval-steps';
import { approval, checkApproved, type SuspendedVariant } from './suspended-variant';

const ApprovalState = Annotation.Root({
  id: Annotation<string>,
  payment: Annotation<Payment | undefined>,
  approved: Annotation<boolean>,
  result: Annotation<{ paymentId: string; approved: boolean } | undefined>,
});

function approvalGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(ApprovalState)
    .addNode('prepare', async (state) => ({ payment: await preparePayment(state.id) }))
    .addNode('ask', () => {
      const reply = interrupt<string, { approved: boolean }>('Approve the payment?');
      return { approved: reply.approved };
    })
    .addNode('finish', async (state) => ({
      result: await finishPayment(state.payment!, { approved: state.approved }),
    }))
    .addEdge(START, 'prepare')
    .addEdge('prepare', 'ask')
    .addEdge('ask', 'finish')
    .addEdge('finish', END)
    .compile({ checkpointer });
}

function langGraphVariant(
  variant: string,
  checkpointer: BaseCheckpointSaver,
  storedBytes: () => number,
  close: () => void,
): SuspendedVariant {
  const graph = approvalGraph(checkpointer);
  const config = (threadId: string) => ({ configurable: { thread_id: threadId } });
  return {
    async suspend(ids) {
      for (const threadId of ids) {
        const result = await graph.invoke(
          { id: threadId, payment: undefined, approved: false, result: undefined },
          config(threadId),
        );
        if (!('__interrupt__' in result))
          throw new Error(`${variant}: ${threadId} did not interrupt`);
      }
    },
    async replyAndCheck(ids) {
      for (const threadId of ids) {
        const result = await graph.invoke(
          new Command({ resume: { ...approval } }),
          config(threadId),
        );
        checkApproved(variant, threadId, result.result);
      }
    },
    storedBytes: async () => storedBytes(),
    close,
  };
}

/** LangGraph.js with its in-memory MemorySaver: the thread's checkpoints stay in the process. */
export function langGraphMemorySuspended(): SuspendedVariant {
  const saver = new MemorySaver();
  return langGraphVariant(
    'LangGraph.js + MemorySaver',
    saver,
    () => byteSize(saver.storage) + byteSize(saver.writes),
    () => undefined,
  );
}

/** LangGraph.js with SqliteSaver on a file. */
export function langGraphSqliteSuspended(): SuspendedVariant {
  const dir = tempDir('suspended-langgraph');
  const path = dir.file('langgraph.db');
  const db = new Database(path);
  return langGraphVariant(
    'LangGraph.js + SqliteSaver',
    new SqliteSaver(db),
    () => sqliteFileBytes(path, 'better-sqlite3'),
    () => {
      db.close();
      dir.remove();
    },
  );
}

/** Serialized bytes in MemorySaver's maps: the checkpoint blobs and their keys. */
function byteSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + byteSize(item), 0);
  if (value && typeof value === 'object') {
    let sum = 0;
    for (const [key, item] of Object.entries(value)) sum += Buffer.byteLength(key) + byteSize(item);
    return sum;
  }
  return 0;
}
