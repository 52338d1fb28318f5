import {
  type ChatMessage,
  type ChatModel,
  type Checkpointer,
  createAgent,
  toolLoop,
} from '@agentchart/core';
import { assign, setup } from 'xstate';

/** What the browser sends to a conversation. */
export type ChatEvent =
  | { type: 'user.message'; text: string }
  /** Answers the last message again, or once more after a turn that gave no answer. */
  | { type: 'chat.regenerate' }
  | { type: 'chat.cancel' }
  | { type: 'chat.close' };

/** What one conversation keeps. */
export interface ChatContext {
  /** The conversation so far: user and assistant messages, oldest first. */
  messages: ChatMessage[];
  /** Messages the user sent while an answer was on its way, answered next. */
  queued: string[];
  /** Why the last turn gave no answer: an error's code, `turn.timeout` or `turn.cancelled`. */
  lastError?: string;
}

/** How long one answer may take, its tool calls and retries included. */
export const turnTimeoutMs = 60_000;

const answer = toolLoop({
  model: 'chat',
  tools: [],
  system: 'You are the support assistant of an online shop. Answer briefly and kindly.',
  prompt: (messages: ChatMessage[]) => messages,
  // One turn's bounds: at most 4 model calls, each at most 600 tokens out.
  maxSteps: 4,
  maxOutputTokens: 600,
});

const userMessages = (texts: string[]): ChatMessage[] =>
  texts.map((text) => ({ role: 'user', content: text }));

/** One support conversation: each user message is a turn the model answers. */
export const supportChatMachine = setup({
  types: { context: {} as ChatContext, events: {} as ChatEvent },
  actors: { answer },
  delays: { turnTimeout: turnTimeoutMs },
}).createMachine({
  id: 'support-chat',
  context: { messages: [], queued: [] },
  // Taken in every state: a message sent while an answer is on its way waits in `queued`
  // and is answered next, instead of being refused with `run.event_not_taken`.
  on: {
    'user.message': {
      actions: assign({ queued: ({ context, event }) => [...context.queued, event.text] }),
    },
  },
  initial: 'idle',
  states: {
    idle: {
      always: { guard: ({ context }) => context.queued.length > 0, target: 'answering' },
      on: {
        'chat.regenerate': [
          // Asks again for the last answer: it is dropped, and the turn runs once more.
          {
            guard: ({ context }) => context.messages.at(-1)?.role === 'assistant',
            target: 'answering',
            actions: assign({ messages: ({ context }) => context.messages.slice(0, -1) }),
          },
          // "Try again" after a turn that gave no answer (failed, timed out, cancelled): the
          // turn runs on the messages already sent, rather than the user sending them twice.
          { guard: ({ context }) => context.messages.at(-1)?.role === 'user', target: 'answering' },
        ],
        'chat.close': 'closed',
      },
    },
    answering: {
      // Every message queued so far joins the conversation: the model answers them together.
      entry: assign({
        messages: ({ context }) => [...context.messages, ...userMessages(context.queued)],
        queued: [],
      }),
      invoke: {
        src: 'answer',
        input: ({ context }) => context.messages,
        onDone: {
          target: 'idle',
          actions: assign({
            messages: ({ context, event }) => [
              ...context.messages,
              { role: 'assistant', content: event.output.content },
            ],
            lastError: undefined,
          }),
        },
        onError: {
          target: 'idle',
          actions: assign({
            lastError: ({ event }) => (event.error as { code?: string }).code ?? 'failed',
          }),
        },
      },
      // The turn's clock: leaving the state aborts the model call in flight.
      after: { turnTimeout: { target: 'idle', actions: assign({ lastError: 'turn.timeout' }) } },
      // "Stop generating": this turn ends, the conversation goes on.
      on: { 'chat.cancel': { target: 'idle', actions: assign({ lastError: 'turn.cancelled' }) } },
    },
    closed: { type: 'final' },
  },
  output: ({ context }) => ({ messages: context.messages.length }),
});

/** The chat agent: one thread per conversation. */
export function supportChatAgent({
  model,
  checkpointer,
}: {
  model: ChatModel;
  checkpointer?: Checkpointer;
}) {
  return createAgent({
    machine: supportChatMachine,
    models: { chat: model },
    ...(checkpointer ? { checkpointer } : {}),
    // The whole conversation, every turn together: what one thread may spend at most. No
    // maxWallTimeMs (it would count the days between messages) and no maxSteps or
    // maxModelCalls (they would end a long conversation at a turn like any other); one
    // turn is bounded in the chart: maxSteps and maxOutputTokens, and the turn's timeout.
    limits: { maxCostUsd: 2 },
  });
}
