import type { z } from 'zod';
import { describeIssues } from '../errors/describe-issues';
import { RunError } from '../errors/run-error';
import { maxSentValueDepth, nestsDeeperThan } from '../ledger/json-depth';
import { parseNow } from '../output/parse-now';

/**
 * A new thread's input as the machine gets it: parsed by the agent's input schema when it has
 * one, or as given. Input that breaks the schema is refused before anything is stored, so a
 * wrong key from the command line or a request body starts no thread and pays for no call.
 * So is input nested more than 256 levels deep, with a schema or without, as an event or a
 * reply is (ADR 0047): kept in the machine's context, no checkpoint could store it, and the
 * start would fail as its first checkpoint was written.
 *
 * @throws RunError `agent.invalid_input` with the zod issues; nothing was stored.
 */
export function checkStartInput(
  owner: string,
  agentName: string,
  schema: z.ZodType | undefined,
  input: unknown,
): unknown {
  if (nestsDeeperThan(input, maxSentValueDepth)) {
    throw new RunError('agent.invalid_input', {
      message: `${owner}: the input for agent "${agentName}" nests arrays or objects more than ${maxSentValueDepth} levels deep, more than a checkpoint keeps: no thread was started. Send flatter input, or a reference to the data.`,
      details: { maxDepth: maxSentValueDepth },
    });
  }
  if (schema === undefined) return input;
  const parsed = parseNow(schema, input, `Agent "${agentName}"'s input schema`);
  if (parsed.success) return parsed.data;
  throw new RunError('agent.invalid_input', {
    message: `${owner}: the input does not match agent "${agentName}"'s input schema (${describeIssues(parsed.error.issues)}): no thread was started.`,
    issues: parsed.error.issues,
  });
}
