import {
  AgentchartError,
  type ChatModel,
  type Checkpointer,
  createAgent,
  humanWait,
  type ModelCallPolicy,
  type Prompt,
  structuredCall,
} from '@agentchart/core';
import { assign, setup } from 'xstate';
import { triagePrompt } from './prompts';
import {
  type Category,
  type DeskReply,
  deskReplySchema,
  type Ticket,
  type Triage,
  triageSchema,
} from './schemas';

/** Below this confidence a person at the desk checks the model's triage. */
export const minConfidence = 0.85;
/** How long an escalated ticket waits for the desk before it is marked unanswered. */
export const deskTimeoutMs = 24 * 60 * 60 * 1_000;

/** Why a ticket went to a person: low confidence, or the model's failure and its code. */
export interface Escalation {
  reason: string;
  code?: string;
}

/** Where a ticket ended up. */
export type TriageResult =
  | {
      ticketId: string;
      status: 'routed';
      category: Category;
      priority: Triage['priority'];
      decidedBy: 'model' | 'desk';
      escalation?: Escalation;
      note?: string;
    }
  | { ticketId: string; status: 'unanswered'; escalation: Escalation; suggestion?: Category };

/** What the triage chart keeps while a ticket is open. */
export interface TriageContext {
  ticket: Ticket;
  triage?: Triage;
  escalation?: Escalation;
  reply?: DeskReply;
}

/** What the desk sees for an escalated ticket. */
export interface DeskRequest {
  ticket: Ticket;
  triage?: Triage;
  escalation?: Escalation;
}

function deskPrompt({ ticket, triage, escalation }: DeskRequest): string {
  const suggestion = triage ? ` The model suggests ${triage.category}: "${triage.summary}".` : '';
  const reason = (escalation?.reason ?? 'escalated').replace(/\.$/, '');
  return `Ticket ${ticket.id} "${ticket.subject}" from ${ticket.customer} needs a queue: ${reason}.${suggestion}`;
}

function escalationFor(stage: string, error: unknown): Escalation {
  if (!AgentchartError.isInstance(error)) return { reason: `${stage} failed: ${String(error)}` };
  return { reason: `${stage} failed (${error.code}): ${error.message}`, code: error.code };
}

/**
 * The triage chart: the model classifies a ticket; under {@link minConfidence}, or when the
 * model fails, the ticket waits for a person at the desk (a durable human wait: the run
 * rests in the store, and the reply may come days later from another process).
 */
export function supportTriageMachine(prompt: Prompt<Ticket> = triagePrompt) {
  return setup({
    types: {
      input: {} as { ticket: Ticket },
      context: {} as TriageContext,
      output: {} as TriageResult,
    },
    actors: {
      classify: structuredCall({
        model: 'triage',
        schema: triageSchema,
        schemaName: 'ticket_triage',
        prompt,
        temperature: 0,
      }),
      askDesk: humanWait({ prompt: deskPrompt, reply: deskReplySchema, timeoutMs: deskTimeoutMs }),
    },
    guards: {
      unsure: (_, triage: Triage) => triage.confidence < minConfidence,
    },
  }).createMachine({
    id: 'supportTriage',
    context: ({ input }) => ({ ticket: input.ticket }),
    initial: 'classifying',
    states: {
      classifying: {
        invoke: {
          id: 'classify',
          src: 'classify',
          input: ({ context }) => context.ticket,
          onDone: [
            {
              guard: { type: 'unsure', params: ({ event }) => event.output },
              target: 'awaitingDesk',
              actions: assign({
                triage: ({ event }) => event.output,
                escalation: ({ event }) => ({
                  reason: `confidence ${event.output.confidence} < ${minConfidence}`,
                }),
              }),
            },
            { target: 'routed', actions: assign({ triage: ({ event }) => event.output }) },
          ],
          onError: {
            target: 'awaitingDesk',
            actions: assign({ escalation: ({ event }) => escalationFor('triage', event.error) }),
          },
        },
      },
      awaitingDesk: {
        invoke: {
          id: 'askDesk',
          src: 'askDesk',
          input: ({ context }) => ({
            ticket: context.ticket,
            ...(context.triage ? { triage: context.triage } : {}),
            ...(context.escalation ? { escalation: context.escalation } : {}),
          }),
          onDone: { target: 'routed', actions: assign({ reply: ({ event }) => event.output }) },
          onError: {
            target: 'unanswered',
            actions: assign({
              escalation: ({ context, event }) => ({
                reason: `${context.escalation?.reason ?? 'escalated'}; ${escalationFor('the desk', event.error).reason}`,
                ...(context.escalation?.code ? { code: context.escalation.code } : {}),
              }),
            }),
          },
        },
      },
      routed: { type: 'final' },
      unanswered: { type: 'final' },
    },
    output: ({ context }): TriageResult => {
      const { ticket, triage, escalation, reply } = context;
      const category = reply?.category ?? triage?.category;
      if (!category) {
        return {
          ticketId: ticket.id,
          status: 'unanswered',
          escalation: escalation ?? { reason: 'no triage' },
        };
      }
      if (!reply && escalation) {
        return { ticketId: ticket.id, status: 'unanswered', escalation, suggestion: category };
      }
      return {
        ticketId: ticket.id,
        status: 'routed',
        category,
        priority: triage?.priority ?? 'normal',
        decidedBy: reply ? 'desk' : 'model',
        ...(escalation ? { escalation } : {}),
        ...(reply?.note ? { note: reply.note } : {}),
      };
    },
  });
}

/** Options of {@link supportAgent}. */
export interface SupportAgentOptions {
  model: ChatModel;
  /** Where runs and the desk's queue live; share one file (or Postgres) between processes. */
  checkpointer?: Checkpointer;
  prompt?: Prompt<Ticket>;
  /** Default: the reliability policy (retries with backoff, breaker, deadline). */
  modelPolicy?: ModelCallPolicy;
}

/**
 * The support triage agent. Waiting runs leave memory once checkpointed (`evictWaiting`):
 * the store is the queue, and any process with the same store can answer a ticket.
 */
export function supportAgent({ model, checkpointer, prompt, modelPolicy }: SupportAgentOptions) {
  return createAgent({
    machine: supportTriageMachine(prompt),
    models: { triage: model },
    ...(checkpointer ? { checkpointer } : {}),
    ...(modelPolicy ? { modelPolicy } : {}),
    evictWaiting: true,
    limits: { maxModelCalls: 5 },
  });
}
