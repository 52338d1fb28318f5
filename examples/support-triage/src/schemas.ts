import { z } from 'zod';

/** A support ticket as the helpdesk sends it. */
export const ticketSchema = z.object({
  id: z.string(),
  customer: z.string(),
  subject: z.string(),
  body: z.string(),
});
export type Ticket = z.infer<typeof ticketSchema>;

/** The queues a ticket can go to. */
export const categories = ['billing', 'technical', 'account', 'shipping', 'other'] as const;
export type Category = (typeof categories)[number];

/** The model's triage of a ticket, with how sure it is. */
export const triageSchema = z.object({
  category: z.enum(categories),
  priority: z.enum(['low', 'normal', 'high']),
  confidence: z.number().min(0).max(1),
  summary: z.string().min(1),
});
export type Triage = z.infer<typeof triageSchema>;

/** What a person at the desk answers for an escalated ticket. */
export const deskReplySchema = z.object({
  category: z.enum(categories),
  note: z.string().optional(),
});
export type DeskReply = z.infer<typeof deskReplySchema>;
