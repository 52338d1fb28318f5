import type { z } from 'zod';
import { headOf } from '../text/whole-characters';

/**
 * Schema issues as one line for an error message — `approved: expected boolean, received
 * string; reason: …` — so a person (or a model) reading only the message knows what to fix.
 * Paths and zod's own wording only: never the value that failed, which may hold a secret.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], limit = 5): string {
  const shown = issues.slice(0, limit).map(describeIssue);
  const more = issues.length > limit ? `; and ${issues.length - limit} more` : '';
  return `${shown.join('; ')}${more}`;
}

/**
 * How many issues a message to a model or a person lists before giving a count of the rest. An
 * answer or arguments of thousands of wrong items have thousands of issues, mostly alike:
 * listed whole, they outgrew the value fifteenfold and put the next call over its budget.
 */
export const maxListedIssues = 20;

/** The longest one described issue may be: zod's "Unrecognized keys" names every extra key. */
const maxIssueLength = 300;

/** One issue as `path: message`, cut at {@link maxIssueLength} characters. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const line = `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`;
  return line.length > maxIssueLength ? `${headOf(line, maxIssueLength)}…` : line;
}

/**
 * Problems a model reported (a verifier's issues), as the lines of a message to another
 * model: the first {@link maxListedIssues}, each cut at {@link maxIssueLength} characters, and
 * a count of the rest. A verifier that answers with thousands of them, or with pages each,
 * would otherwise put the next call over its budget.
 */
export function listedProblems(problems: readonly string[]): string[] {
  const shown = problems
    .slice(0, maxListedIssues)
    .map((problem) =>
      problem.length > maxIssueLength ? `${headOf(problem, maxIssueLength)}…` : problem,
    );
  const more = problems.length - shown.length;
  return more > 0 ? [...shown, `… and ${more} more`] : shown;
}
