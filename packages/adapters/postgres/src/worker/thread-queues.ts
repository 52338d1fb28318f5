import { closestName } from '@agentchart/core/internal';
import type { PgBoss, Queue } from 'pg-boss';
import { agentOfQueue, queueNameOf } from './thread-jobs';

/** Makes sure a thread queue exists before a job is sent to it or worked from it. */
export type EnsureQueue = (queue: string, options?: { served?: boolean }) => Promise<void>;

/**
 * Creates each agent's queue on first use, once per process. A queue a job is sent to that no
 * worker made (`served` unset) while workers serve other agents is most likely a misspelt
 * agent name: the job would wait there unseen, so a typed process warning names the agents
 * the workers serve. It is not refused: an API deployed before the workers of a new agent
 * may send its first jobs early, and a worker takes them when it starts.
 */
export function threadQueues(
  boss: PgBoss,
  settings: Omit<Queue, 'name'>,
  warn: (message: string) => void = (message) =>
    process.emitWarning(message, { code: 'AGENTCHART_UNSERVED_AGENT' }),
): EnsureQueue {
  const created = new Map<string, Promise<void>>();
  return (queue, { served = false } = {}) => {
    let ready = created.get(queue);
    if (!ready) {
      ready = (async () => {
        if (await boss.getQueue(queue)) return;
        await boss.createQueue(queue, settings);
        if (served) return;
        const others = (await boss.getQueues())
          .map(({ name }) => agentOfQueue(name))
          .filter((agent): agent is string => agent !== undefined && queueNameOf(agent) !== queue);
        if (others.length > 0) warn(unservedAgentWarning(agentOfQueue(queue) ?? queue, others));
      })();
      // A failure is not kept: the next job tries again.
      ready.catch(() => created.delete(queue));
      created.set(queue, ready);
    }
    return ready;
  };
}

function unservedAgentWarning(agent: string, served: string[]): string {
  const closest = closestName(agent, served);
  return `A job was sent for agent "${agent}", which had no queue: no worker has served it yet (its queue was made now). The job queue has agents ${served.map((name) => `"${name}"`).join(', ')}${closest ? `; did you mean "${closest}"?` : '.'} The job waits until a worker serving "${agent}" starts.`;
}
