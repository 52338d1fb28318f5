import type { ChatMessage, ChatModel, ToolCallRequest } from '@agentchart/core';
import { add, addInput, addTool, question } from './react-script';

/** The tool as the model sees it. */
export const addDefinition = {
  name: addTool.name,
  description: addTool.description,
  parameters: addTool.parameters,
};

/** Runs the model's tool calls: arguments parsed and validated with zod, results as messages. */
export async function runToolCalls(calls: readonly ToolCallRequest[]): Promise<ChatMessage[]> {
  return Promise.all(
    calls.map(async (call) => {
      if (call.name !== 'add') throw new Error(`unknown tool ${call.name}`);
      const output = await add(addInput.parse(JSON.parse(call.arguments)));
      return {
        role: 'tool' as const,
        toolCallId: call.id,
        name: call.name,
        content: JSON.stringify(output),
      };
    }),
  );
}

/**
 * The loop a user writes by hand: call the model, run the tools it asks for, send the results
 * back, until it answers. Returns the answer and the number of tool calls.
 */
export async function handLoop(model: ChatModel): Promise<{ answer: string; toolCalls: number }> {
  const messages: ChatMessage[] = [{ role: 'user', content: question }];
  const signal = new AbortController().signal;
  let toolCalls = 0;
  for (let step = 0; step < 10; step++) {
    const response = await model.generate({ messages, tools: [addDefinition] }, { signal });
    if (response.toolCalls.length === 0) {
      messages.push({ role: 'assistant', content: response.content });
      return { answer: response.content, toolCalls };
    }
    messages.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });
    messages.push(...(await runToolCalls(response.toolCalls)));
    toolCalls += response.toolCalls.length;
  }
  throw new Error('hand-written loop: no answer after 10 model calls');
}
