import type { ChatMessage, ModelMetadata } from '@agentchart/core';
import { type ScriptedModel, scriptedModel } from '@agentchart/core/testing';
import { type ByteMeter, historySteps, message } from './byte-meter';

/**
 * A window that holds the whole conversation. Every model call is planned against its
 * model's window, and the scripted model's default (128K tokens) is smaller than 400 messages
 * of 1 KB as the estimate counts them (about 270K tokens): the planner would trim the
 * history, and this workload measures what storing all of it costs.
 */
export const wholeConversationMetadata: ModelMetadata = { contextWindow: 1_000_000 };

/** The conversation's first message. */
export const opening: ChatMessage = { role: 'user', content: 'Talk to me.' };

/** Assistant messages so far. */
export function replies(messages: readonly ChatMessage[]): number {
  return messages.filter((item) => item.role === 'assistant').length;
}

/**
 * A scripted model that answers each turn with the next 1 KB message, starting a step on
 * `meter` as it does.
 */
export function chatModel(meter: ByteMeter): ScriptedModel {
  return scriptedModel({
    metadata: wholeConversationMetadata,
    handler: (request) => {
      meter.step();
      return { content: message(replies(request.messages)) };
    },
  });
}

/** Throws unless the conversation holds every reply, in order. */
export function checkConversation(
  variant: string,
  messages: readonly { content: unknown }[],
  steps = historySteps,
): void {
  const last = messages[messages.length - 1]?.content;
  if (messages.length !== steps + 1 || last !== message(steps - 1)) {
    throw new Error(
      `${variant}: conversation has ${messages.length} messages ending "${String(last).slice(0, 20)}", expected ${steps + 1}`,
    );
  }
}
