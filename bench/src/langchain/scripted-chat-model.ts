import {
  BaseChatModel,
  type BaseChatModelParams,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';

/** Answers a conversation: a text answer, or tool calls with their arguments. */
export type ChatScript = (
  messages: BaseMessage[],
) => { content: string } | { toolCalls: { name: string; args: Record<string, unknown> }[] };

/**
 * A LangChain chat model that answers from a script of the conversation, like core's
 * `scriptedModel`: the fake LangChain ships (`FakeListChatModel`) cannot make tool calls
 * that depend on the conversation, which a ReAct loop needs.
 */
export class ScriptedChatModel extends BaseChatModel {
  #calls = 0;

  constructor(
    private readonly script: ChatScript,
    private readonly latencyMs = 0,
    params: BaseChatModelParams = {},
  ) {
    super(params);
  }

  _llmType(): string {
    return 'scripted';
  }

  /** Tools are already in the script; binding only has to return a model. */
  override bindTools(): this {
    return this;
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const answer = this.script(messages);
    const call = this.#calls++;
    const message =
      'content' in answer
        ? new AIMessage({ content: answer.content })
        : new AIMessage({
            content: '',
            tool_calls: answer.toolCalls.map((toolCall, index) => ({
              id: `call_${call}_${index}`,
              name: toolCall.name,
              args: toolCall.args,
              type: 'tool_call' as const,
            })),
          });
    return {
      generations: [{ text: typeof message.content === 'string' ? message.content : '', message }],
    };
  }
}
