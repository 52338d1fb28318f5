import { z } from 'zod';

/** The `path` argument every file-system tool takes. */
export const pathInput = z
  .string()
  .min(1)
  .max(4096)
  .describe('A path relative to the sandbox root, with "/" between names; "." is the root.');
