import { DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue, optionNamesOf } from '@agentchart/core/internal';
import type { CompiledLangGraph, LangGraphActorOptions } from './types';

/** The options `langGraphActor` reads; any other name is a misspelling. */
const optionNames = optionNamesOf<LangGraphActorOptions<CompiledLangGraph, never, never, never>>({
  graph: true,
  name: true,
  input: true,
  output: true,
  reply: true,
  prompt: true,
  recursionLimit: true,
});

const invalid = (message: string) =>
  new DefinitionError('definition.invalid_option', `langGraphActor: ${message}`);

/**
 * Refuses options that could only fail later, or be ignored: a misspelt name (`ouput` would
 * leave the graph's final state unchecked), a graph that is not compiled, a schema that is
 * not zod's.
 */
export function checkLangGraphActorOptions(options: object): void {
  checkOptionNames('langGraphActor', options, optionNames);
  const { graph, name, input, output, reply, prompt, recursionLimit } = options as Record<
    string,
    unknown
  >;
  const compiled = graph as Partial<CompiledLangGraph> | undefined;
  if (typeof compiled?.invoke !== 'function' || typeof compiled.getState !== 'function') {
    throw invalid(
      `graph must be a compiled LangGraph graph (new StateGraph(...).compile()), got ${describeValue(graph)}. Call .compile() on the graph builder.`,
    );
  }
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalid(
      `name must name the graph (it appears in the journal, events and errors), got ${describeValue(name)}.`,
    );
  }
  for (const [option, schema] of Object.entries({ input, output, reply })) {
    if (
      schema !== undefined &&
      typeof (schema as { safeParse?: unknown }).safeParse !== 'function'
    ) {
      throw invalid(`${option} must be a zod schema, got ${describeValue(schema)}.`);
    }
  }
  if (prompt !== undefined && typeof prompt !== 'function') {
    throw invalid(
      `prompt must be a function from an interrupt's value to the text a person sees, got ${describeValue(prompt)}.`,
    );
  }
  if (
    recursionLimit !== undefined &&
    !(Number.isSafeInteger(recursionLimit) && (recursionLimit as number) >= 1)
  ) {
    throw invalid(
      `recursionLimit must be a whole number of super-steps, at least 1, got ${describeValue(recursionLimit)}.`,
    );
  }
}
