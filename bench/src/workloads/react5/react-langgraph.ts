import type { BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { ScriptedChatModel } from '../../langchain/scripted-chat-model';
import { add, addInput, nextMove } from './react-script';

/** LangGraph's prebuilt ReAct agent on a LangChain chat model answering from the same script. */
export function langGraphAgent() {
  const addLangChain = tool(async (args) => JSON.stringify(await add(args)), {
    name: 'add',
    description: 'Adds two numbers.',
    schema: addInput,
  });
  const model = new ScriptedChatModel((messages) => {
    const move = nextMove(toolContents(messages));
    return move.kind === 'call'
      ? { toolCalls: [{ name: 'add', args: move.args }] }
      : { content: move.text };
  });
  return createReactAgent({ llm: model, tools: [addLangChain] });
}

/** The tool results of a LangChain conversation. */
export function toolContents(messages: BaseMessage[]): string[] {
  return messages.flatMap((message) =>
    message.getType() === 'tool' ? [String(message.content)] : [],
  );
}
