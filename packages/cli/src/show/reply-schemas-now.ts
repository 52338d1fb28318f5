import type { Checkpointer } from '@agentchart/core';
import { currentReplySchema, type WaitSite } from '@agentchart/core/internal';
import { agentModuleOf, agentVariable, loadAgents } from '../commands/load-agents';
import type { CommandContext } from '../commands/types';

/**
 * The reply schema the agent's code checks a wait's reply with now, for the agent that
 * started the thread; undefined when that code has no `humanWait` there (another kind of
 * wait, a child agent's, or a state it no longer has), so only the recorded schema is known.
 */
export type ReplySchemaLookup = (
  agentName: string | undefined,
  wait: WaitSite,
) => { schema: Record<string, unknown> | undefined } | undefined;

/**
 * The agents of `--agent <module>` (else `AGENTCHART_AGENT`), asked what a reply must fit
 * now: a deploy that changed a wait's reply schema does not change the one its journal entry
 * recorded when it opened, and a reply is checked by the code that takes it. Undefined when
 * no module is named: then only the recorded schema can be shown. The agents run nothing; they
 * are given `checkpointer` because a factory may insist on one.
 */
export async function replySchemasNow(
  flag: string | undefined,
  exportName: string | undefined,
  checkpointer: Checkpointer,
  context: CommandContext,
  command: string,
): Promise<{ lookup: ReplySchemaLookup; close(): Promise<void> } | undefined> {
  if (flag === undefined && !context.env?.[agentVariable]) return undefined;
  const module = agentModuleOf(flag, command, context);
  const agents = await loadAgents(module.file, { checkpointer }, context, exportName);
  return {
    lookup: (agentName, wait) => {
      // By the name the thread records: another agent's chart may have a state of that name.
      const agent =
        agentName === undefined && agents.length === 1
          ? agents[0]
          : agents.find((item) => item.agent.name === agentName);
      return agent === undefined ? undefined : currentReplySchema(agent.agent.machine, wait);
    },
    close: async () => {
      await Promise.all(agents.map((item) => item.agent.close()));
    },
  };
}
