import { definePrompt } from '@agentchart/core';
import type { Ticket } from './schemas';

const ticketText = (ticket: Ticket) =>
  `Ticket ${ticket.id} from ${ticket.customer}\nSubject: ${ticket.subject}\n\n${ticket.body}`;

/** The triage prompt: every queue with what belongs in it, so the model can tell them apart. */
export const triagePrompt = definePrompt({
  id: 'support.triage',
  version: 1,
  system: [
    'You triage customer support tickets into exactly one queue:',
    '- billing: charge, charged, invoice, refund, payment, price, subscription fee',
    '- technical: error, crash, bug, login fails, slow, not loading, api',
    '- account: password, email address, username, delete my account, two-factor, profile',
    '- shipping: delivery, parcel, tracking, shipped, courier, arrived damaged',
    '- other: anything else',
    'Priority is high when the customer cannot work or was charged wrongly.',
    'Give your confidence from 0 to 1; below 0.85 a person checks your answer.',
  ].join('\n'),
  render: (ticket: Ticket) => `Triage this ticket.\n${ticketText(ticket)}`,
});

/**
 * A shorter version that drops the queue guide to save tokens. The evals show what it costs:
 * `agentchart eval` over data/golden.jsonl fails the gate with it.
 */
export const triagePromptShort = definePrompt({
  id: 'support.triage',
  version: 2,
  description: 'Drops the queue guide to save about 80 tokens a call.',
  system:
    'You triage customer support tickets into one queue: billing, technical, account, shipping or other. Give your confidence from 0 to 1.',
  render: (ticket: Ticket) => `Triage this ticket.\n${ticketText(ticket)}`,
});
