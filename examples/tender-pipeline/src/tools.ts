import { defineTool } from '@agentchart/core';
import { z } from 'zod';

/** Past dealings with buyers, as a CRM would return them. */
const buyerRecords: Record<string, { pastContracts: number; satisfaction: number }> = {
  'City of Rotterdam': { pastContracts: 3, satisfaction: 0.9 },
  'Port of Antwerp': { pastContracts: 1, satisfaction: 0.7 },
  'Region Skåne': { pastContracts: 0, satisfaction: 0 },
};

/** Looks up our history with a buyer: read-only, so `pure`. */
export const buyerHistory = defineTool({
  name: 'buyer_history',
  description: 'Returns how many contracts we delivered for a buyer and their satisfaction (0-1).',
  input: z.object({ buyer: z.string().min(1) }),
  output: z.object({ buyer: z.string(), pastContracts: z.number(), satisfaction: z.number() }),
  effect: 'pure',
  timeoutMs: 2_000,
  execute: async ({ buyer }) => ({
    buyer,
    ...(buyerRecords[buyer] ?? { pastContracts: 0, satisfaction: 0 }),
  }),
});

/** Finds reference projects to cite in a bid: read-only, so `pure`. */
export const referenceProjects = defineTool({
  name: 'reference_projects',
  description: 'Lists our finished projects in a category, to cite as references in a bid.',
  input: z.object({ category: z.string().min(1) }),
  output: z.object({ projects: z.array(z.string()) }),
  effect: 'pure',
  timeoutMs: 2_000,
  execute: async ({ category }) => {
    if (category === 'unavailable') throw new Error('reference archive is offline');
    return {
      projects: [`${category} upgrade, Utrecht (2024)`, `${category} retrofit, Ghent (2023)`],
    };
  },
});
