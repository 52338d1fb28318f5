import type { z } from 'zod';

/**
 * Schema issues as one line for an error message — `approved: expected boolean, received
 * string; reason: …` — so a person (or a model) reading only the message knows what to fix.
 * Paths and zod's own wording only: never the value that failed, which may hold a secret.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], limit = 5): string {
  const shown = issues
    .slice(0, limit)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  const more = issues.length > limit ? `; and ${issues.length - limit} more` : '';
  return `${shown.join('; ')}${more}`;
}
