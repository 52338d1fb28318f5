import type { ChatModel } from '@agentchart/core';
import { PostgresCheckpointer } from '@agentchart/postgres';
import { supportAgent } from './agent';

/**
 * The support agent on PostgreSQL: every process that opens the same database — intake
 * workers on several machines, the desk's web app — shares the threads, their journals and
 * the waits. A thread is owned by one process at a time through its lease.
 */
export function supportAgentOnPostgres(model: ChatModel, connectionString: string) {
  const checkpointer = new PostgresCheckpointer({ connectionString, schema: 'support' });
  const agent = supportAgent({ model, checkpointer });
  return {
    agent,
    /** Lets go of the agent's runs, then of the database pool. */
    async close() {
      await agent.close();
      await checkpointer.close();
    },
  };
}
