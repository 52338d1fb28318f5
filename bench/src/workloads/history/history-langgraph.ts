import { statSync } from 'node:fs';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  type Checkpoint,
  type CheckpointMetadata,
  END,
  MessagesAnnotation,
  START,
  StateGraph,
} from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import { tempDir } from '../../stores/temp-dir';
import { ByteMeter, historySteps, message } from './byte-meter';
import { checkConversation, opening } from './chat-script';
import type { HistoryResult } from './history-xstate';

/** SqliteSaver that reports the stored size of every checkpoint and write it makes. */
class MeteredSqliteSaver extends SqliteSaver {
  readonly #checkpointBytes: Database.Statement<[string, string], { bytes: number }>;
  readonly #writeBytes: Database.Statement<[string, string, string], { bytes: number | null }>;

  constructor(
    db: Database.Database,
    private readonly meter: ByteMeter,
  ) {
    super(db);
    this.setup();
    this.#checkpointBytes = db.prepare(
      'SELECT length(checkpoint) + length(metadata) AS bytes FROM checkpoints WHERE thread_id = ? AND checkpoint_id = ?',
    );
    this.#writeBytes = db.prepare(
      'SELECT sum(length(value)) AS bytes FROM writes WHERE thread_id = ? AND checkpoint_id = ? AND task_id = ?',
    );
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
  ): Promise<RunnableConfig> {
    const result = await super.put(config, checkpoint, metadata);
    const threadId = String(config.configurable?.thread_id);
    this.meter.add(this.#checkpointBytes.get(threadId, checkpoint.id)?.bytes ?? 0);
    return result;
  }

  override async putWrites(
    config: RunnableConfig,
    writes: Parameters<SqliteSaver['putWrites']>[1],
    taskId: string,
  ): Promise<void> {
    await super.putWrites(config, writes, taskId);
    const { thread_id, checkpoint_id } = config.configurable ?? {};
    this.meter.add(
      this.#writeBytes.get(String(thread_id), String(checkpoint_id), taskId)?.bytes ?? 0,
    );
  }
}

/**
 * LangGraph.js: `MessagesAnnotation` (the default messages reducer), a node that adds one
 * message and loops until 400, SqliteSaver writing a checkpoint every superstep.
 */
export async function langGraphHistory(): Promise<HistoryResult> {
  const meter = new ByteMeter();
  const dir = tempDir('history-langgraph');
  const path = dir.file('langgraph.db');
  const db = new Database(path);
  try {
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('reply', (state) => {
        meter.step();
        const index = state.messages.length - 1;
        return { messages: [new AIMessage({ content: message(index), id: `reply-${index}` })] };
      })
      .addEdge(START, 'reply')
      .addConditionalEdges('reply', (state) =>
        state.messages.length - 1 < historySteps ? 'reply' : END,
      )
      .compile({ checkpointer: new MeteredSqliteSaver(db, meter) });
    const { messages } = await graph.invoke(
      { messages: [new HumanMessage({ content: opening.content, id: 'opening' })] },
      { configurable: { thread_id: 'chat' }, recursionLimit: historySteps * 2 },
    );
    checkConversation('LangGraph.js', messages);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { meter, storedBytes: statSync(path).size };
  } finally {
    db.close();
    dir.remove();
  }
}
