/**
 * Step 0: the LangGraph app a team starts from. A support ticket is classified by a model;
 * a conditional edge sends billing and bug tickets to a model that drafts the reply, and
 * anything else to a person through interrupt().
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  Annotation,
  type BaseCheckpointSaver,
  END,
  interrupt,
  START,
  StateGraph,
} from '@langchain/langgraph';

/** The categories a ticket can fall in. */
export const categories = ['billing', 'bug', 'other'] as const;
export type Category = (typeof categories)[number];

export const SupportState = Annotation.Root({
  ticket: Annotation<string>,
  category: Annotation<Category>,
  reply: Annotation<string>,
});

export function supportGraph(model: BaseChatModel, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(SupportState)
    .addNode('classify', async ({ ticket }) => {
      const answer = await model.invoke(
        `Classify this support ticket as billing, bug or other. Answer with the word only.\n${ticket}`,
      );
      const word = answer.text.trim().toLowerCase();
      return { category: categories.find((category) => category === word) ?? 'other' };
    })
    .addNode('draft', async ({ ticket, category }) => {
      const answer = await model.invoke(`Draft a reply to this ${category} ticket:\n${ticket}`);
      return { reply: answer.text };
    })
    .addNode('escalate', ({ ticket }) => ({
      reply: interrupt<string, string>(`Write a reply to: ${ticket}`),
    }))
    .addEdge(START, 'classify')
    .addConditionalEdges(
      'classify',
      ({ category }) => (category === 'other' ? 'escalate' : 'draft'),
      ['draft', 'escalate'],
    )
    .addEdge('draft', END)
    .addEdge('escalate', END)
    .compile({ checkpointer });
}
