import { DefinitionError } from '@agentchart/core';
import { JsonQueryError } from './json-query-error';

const plainData =
  'Give plain data: objects, arrays, text, numbers, booleans and null, with no cycle and no bigint.';

/**
 * Refuses, at definition time, a bound document JSON cannot write: a cycle made every query
 * of it run until the output limit (the same object repeated) or overflow the stack.
 */
export function checkBoundDocument(owner: string, data: unknown): void {
  const problem = jsonProblem(data);
  if (problem !== undefined) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: data is not a JSON document (${problem}). ${plainData}`,
    );
  }
}

/** The same check for what a `data` function returned, at the call that asked for it. */
export function checkReturnedDocument(value: unknown): void {
  const problem = jsonProblem(value);
  if (problem !== undefined) {
    throw new JsonQueryError(
      'json_query.invalid_document',
      `The document this tool's data function returned is not JSON (${problem}), so it cannot be queried. This is the application's data, not the query: report it to whoever runs the agent.`,
    );
  }
}

function jsonProblem(value: unknown): string | undefined {
  try {
    return JSON.stringify(value) === undefined ? `${typeof value} has no JSON form` : undefined;
  } catch (error) {
    return /circular/i.test(String((error as Error)?.message))
      ? 'it refers to itself'
      : String((error as Error)?.message ?? error);
  }
}
