import { z } from 'zod';

/** An answer: the number and how it was reached. */
export const answerSchema = z.object({
  total: z.number(),
  working: z.string().min(1),
});
export type Answer = z.infer<typeof answerSchema>;
