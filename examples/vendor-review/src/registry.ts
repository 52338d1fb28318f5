import { defineTool } from '@agentchart/core';
import { z } from 'zod';

/** The company registry the researcher reads: the team's own data. */
const companies: Record<string, { country: string; founded: number; filings: string }> = {
  'acme freight': { country: 'NL', founded: 1998, filings: 'accounts filed every year' },
  'northwind shipping': { country: 'DE', founded: 2021, filings: 'last accounts overdue' },
  'blue harbour logistics': { country: 'BE', founded: 2009, filings: 'accounts filed every year' },
};

/** Looks a company up in the registry by name. */
export const registryLookup = defineTool({
  name: 'registry_lookup',
  description: 'Looks a company up in the company registry by its name.',
  input: z.object({ name: z.string().min(1) }),
  output: z.object({ found: z.boolean(), record: z.string() }),
  effect: 'pure',
  // The registry is the team's own data, not text from the open web: it reaches the model as it is.
  trustedOutput: true,
  execute: async ({ name }) => {
    const company = companies[name.trim().toLowerCase()];
    return company
      ? {
          found: true,
          record: `${name}: registered in ${company.country} in ${company.founded}, ${company.filings}.`,
        }
      : { found: false, record: `${name}: not in the registry.` };
  },
});
