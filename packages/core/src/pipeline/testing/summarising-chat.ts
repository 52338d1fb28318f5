import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../../agent/create-agent';
import type { ContextStrategy } from '../../budget/types';
import type { CostLedger } from '../../cost/cost-ledger';
import { humanWait } from '../../effects/human-wait';
import { structuredCall } from '../../effects/structured-call';
import { toolLoop } from '../../effects/tool-loop';
import type { ChatMessage, ChatModel, ChatRequest } from '../../model/types';
import { singleAttemptPolicy } from '../../reliability/types';
import type { RunOutcome } from '../../run/types';
import type { Checkpoint, Checkpointer } from '../../store/types';
import { type ScriptedResponse, scriptedModel } from '../../testing/scripted-model';

/** A price for the test models given a window of their own (which drops the default price): free, so their calls are priced — at $0 — and no `model.unknown_price` is warned. */
const free = { inputPerMillion: 0, outputPerMillion: 0 };

/** Options of {@link summarisingChat}. */
export interface SummarisingChatOptions {
  /** User turns the chat runs: each one a new `toolLoop` over the whole conversation. */
  turns: number;
  checkpointer: Checkpointer;
  /**
   * Ask each next question through a `humanWait`: the run rests `waiting` between turns and,
   * with the default `evictWaiting`, leaves memory and is restored by the reply.
   */
  wait?: boolean;
  /** What the summariser's answers start with (a secret, for redaction tests). */
  summary?: string;
  /** Redact e-mail addresses in storage. */
  redact?: boolean;
  /**
   * Make the main call of turn `turn` hang, as a process that dies there (the reviewer's,
   * with `review`); `hang` is called then.
   */
  crashAt?: { turn: number; hang: () => void; review?: boolean };
  /**
   * Review each answer in parallel with writing it: a second `toolLoop` over the same
   * conversation, in a parallel region, whose calls compress the same history.
   */
  review?: boolean;
  /** Answer each turn with a `structuredCall` (`{ answer }`) instead of a `toolLoop`. */
  structured?: boolean;
  /** Make the summariser's `call`-th call (from 1) hang, as a process that dies there. */
  crashAtSummary?: { call: number; hang: () => void };
  /** Mark the user's questions untrusted (user-supplied content): they reach the model fenced. */
  untrustedQuestions?: boolean;
  /** The budget's strategy. Default `compress-history`. */
  strategy?: ContextStrategy;
  /** Wraps each model the agent is given (a crash test counts their calls). */
  wrapModel?: (model: ChatModel) => ChatModel;
  /** Context window of the chat model. Default 4 000 tokens. */
  contextWindow?: number;
  /** Where the agent records each call's cost. */
  costLedger?: CostLedger;
}

/** The turn a chat request answers: the number of its last question. */
export function turnOf(request: ChatRequest): number {
  const last = request.messages.findLast((message) => message.role === 'user');
  return Number(/question (\d+)/.exec(last?.content ?? '')?.[1] ?? -1);
}

/**
 * The answers `text` holds or a summary in it says it read, in order: a summary lists every
 * answer it stands for, those of the summary it extends included.
 */
export function answersIn(text: string): number[] {
  const read = [...text.matchAll(/read answers ([\d, ]*)\)/g)].flatMap((match) =>
    match[1]!.split(', ').filter(Boolean).map(Number),
  );
  const held = [...text.matchAll(/(?<=answer )\d+(?=:)/g)].map((match) => Number(match[0]));
  return [...read, ...held];
}

/** The question of turn `turn`, about 60 tokens. */
export function questionOf(turn: number): string {
  return `question ${turn}: ${'what about the next part of the plan, and why '.repeat(5)}`;
}

/**
 * A chat agent whose conversation lives in the chart's context, each user turn answered by a
 * new `toolLoop` (or `structuredCall`) over all of it, on a 4 000-token window with `compress-history`: after a few
 * turns every request is over the window. Answers (about 400 tokens each) follow from the
 * request alone, so a resumed run asks what the uncrashed one asked; the summariser says
 * which answers it read (an earlier summary's included), in words redaction never changes.
 */
export function summarisingChat(options: SummarisingChatOptions) {
  const { turns, wait = false } = options;
  let summaries = 0;
  const main = scriptedModel({
    modelName: 'main',
    metadata: { contextWindow: options.contextWindow ?? 4_000, pricing: free },
    handler: (request): ScriptedResponse => {
      const turn = turnOf(request);
      const review = request.messages.at(-1)!.content.startsWith('review');
      if (options.crashAt?.turn === turn && (options.crashAt.review ?? false) === review) {
        options.crashAt.hang();
        return { content: 'never sent', latencyMs: 3_600_000 };
      }
      if (review) return `review ${turn}: sound`;
      const answer = `answer ${turn}: ${'the plan holds, the numbers add up, the next step follows '.repeat(28)}`;
      return request.responseFormat ? { json: { answer } } : answer;
    },
  });
  const cheap = scriptedModel({
    modelName: 'cheap',
    handler: (request): ScriptedResponse => {
      summaries++;
      if (options.crashAtSummary?.call === summaries) {
        options.crashAtSummary.hang();
        return { content: 'never sent', latencyMs: 3_600_000 };
      }
      return `${options.summary ?? 'SUMMARY'} (read answers ${answersIn(request.messages[1]!.content).join(', ')})`;
    },
  });
  type Context = { messages: ChatMessage[]; turn: number };
  const asked = (context: Context, question: string): ChatMessage[] => [
    ...context.messages,
    options.untrustedQuestions
      ? { role: 'user', content: question, untrusted: true }
      : { role: 'user', content: question },
  ];
  const machine = setup({
    types: { context: {} as Context },
    actors: {
      reply: options.structured
        ? structuredCall({
            model: 'main',
            schema: z.object({ answer: z.string() }),
            prompt: (messages: ChatMessage[]) => messages,
            maxOutputTokens: 300,
          })
        : toolLoop({
            model: 'main',
            tools: [],
            prompt: (messages: ChatMessage[]) => messages,
            maxOutputTokens: 300,
          }),
      review: toolLoop({
        model: 'main',
        tools: [],
        prompt: (messages: ChatMessage[]): ChatMessage[] => [
          ...messages,
          { role: 'user', content: `review the answer to ${messages.at(-1)!.content}` },
        ],
        maxOutputTokens: 300,
      }),
      ask: humanWait({ prompt: () => 'Your next question?', reply: z.string() }),
    },
  }).createMachine({
    id: 'chat',
    context: { messages: asked({ messages: [], turn: 0 }, questionOf(0)), turn: 0 },
    initial: 'replying',
    states: {
      replying: {
        type: 'parallel',
        states: {
          answer: {
            initial: 'writing',
            states: {
              writing: {
                invoke: {
                  src: 'reply',
                  input: ({ context }) => context.messages,
                  onDone: {
                    target: 'written',
                    actions: assign({
                      messages: ({ context, event }) => {
                        const output = event.output as
                          | { messages: ChatMessage[] }
                          | { answer: string };
                        return 'answer' in output
                          ? [...context.messages, { role: 'assistant', content: output.answer }]
                          : output.messages;
                      },
                    }),
                  },
                },
              },
              written: { type: 'final' },
            },
          },
          ...(options.review
            ? {
                review: {
                  initial: 'reviewing',
                  states: {
                    reviewing: {
                      invoke: {
                        src: 'review',
                        input: ({ context }: { context: Context }) => context.messages,
                        onDone: 'reviewed',
                      },
                    },
                    reviewed: { type: 'final' as const },
                  },
                },
              }
            : {}),
        },
        onDone: {
          target: 'next',
          actions: assign({ turn: ({ context }) => context.turn + 1 }),
        },
      },
      next: {
        always: [
          { guard: ({ context }) => context.turn >= turns, target: 'done' },
          { guard: () => wait, target: 'asking' },
          {
            target: 'replying',
            actions: assign({
              messages: ({ context }) => asked(context, questionOf(context.turn)),
            }),
          },
        ],
      },
      asking: {
        invoke: {
          src: 'ask',
          onDone: {
            target: 'replying',
            actions: assign({
              messages: ({ context, event }) => asked(context, event.output as string),
            }),
          },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => ({ turns: context.turn }),
  });
  const agent = createAgent({
    machine,
    models: options.wrapModel
      ? { main: options.wrapModel(main), cheap: options.wrapModel(cheap) }
      : { main, cheap },
    summariserModel: 'cheap',
    checkpointer: options.checkpointer,
    modelPolicy: singleAttemptPolicy,
    budget: { strategies: [options.strategy ?? 'compress-history'] },
    ...(options.redact ? { redact: { patterns: ['email'] } } : {}),
    ...(options.costLedger ? { costLedger: options.costLedger } : {}),
  });
  return { agent, main, cheap };
}

/**
 * Runs the chat on `threadId` until it ends or stops, answering each wait with the next
 * question: through the run's handle, which restores an evicted run from the store.
 */
export async function chatUntilRest(
  agent: { getCheckpoint(threadId: string): Promise<Checkpoint | undefined> },
  handle: { threadId: string; result(): Promise<RunOutcome>; reply(value: unknown): void },
): Promise<RunOutcome> {
  for (;;) {
    const outcome = await handle.result();
    if (outcome.status !== 'waiting') return outcome;
    const latest = await agent.getCheckpoint(handle.threadId);
    const turn = (latest!.snapshot as { context: { turn: number } }).context.turn;
    handle.reply(questionOf(turn));
  }
}
