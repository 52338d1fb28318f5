import { z } from 'zod';

/** A public tender as it arrives from a procurement feed. */
export const tenderSchema = z.object({
  id: z.string(),
  title: z.string(),
  buyer: z.string(),
  description: z.string(),
  budgetEur: z.number(),
  deadline: z.string(),
});
export type Tender = z.infer<typeof tenderSchema>;

/** Stage 1: is the tender worth a look? */
export const filterSchema = z.object({
  relevant: z.boolean(),
  confidence: z.number().min(0).max(1),
  categories: z.array(z.string()).min(1),
  reasoning: z.string().min(1),
});
export type FilterResult = z.infer<typeof filterSchema>;

/** Stage 2: how good a fit is it? Strengths and risks are required, never empty. */
export const ratingSchema = z.object({
  overall: z.number().min(0).max(10),
  strategicFit: z.number().min(0).max(10),
  winProbability: z.number().min(0).max(1),
  effort: z.enum(['low', 'medium', 'high']),
  strengths: z.array(z.string()).min(1),
  risks: z.array(z.string()).min(1),
});
export type Rating = z.infer<typeof ratingSchema>;

/** Stage 3: the bid document, four sections. */
export const bidSchema = z.object({
  executiveSummary: z.string().min(1),
  technicalApproach: z.string().min(1),
  teamAndExperience: z.string().min(1),
  pricingAndTimeline: z.string().min(1),
});
export type Bid = z.infer<typeof bidSchema>;

/** How a tender left the pipeline. */
export type TenderOutcome = 'filtered_out' | 'rated_low' | 'bid_ready' | 'failed';
