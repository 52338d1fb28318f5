import type { z } from 'zod';
import { describeIssues } from '../errors/describe-issues';
import { RunError } from '../errors/run-error';
import { parseNow } from '../output/parse-now';

/**
 * A new thread's input as the machine gets it: parsed by the agent's input schema when it has
 * one, or as given. Input that breaks the schema is refused before anything is stored, so a
 * wrong key from the command line or a request body starts no thread and pays for no call.
 *
 * @throws RunError `agent.invalid_input` with the zod issues; nothing was stored.
 */
export function checkStartInput(
  owner: string,
  agentName: string,
  schema: z.ZodType | undefined,
  input: unknown,
): unknown {
  if (schema === undefined) return input;
  const parsed = parseNow(schema, input, `Agent "${agentName}"'s input schema`);
  if (parsed.success) return parsed.data;
  throw new RunError('agent.invalid_input', {
    message: `${owner}: the input does not match agent "${agentName}"'s input schema (${describeIssues(parsed.error.issues)}): no thread was started.`,
    issues: parsed.error.issues,
  });
}
