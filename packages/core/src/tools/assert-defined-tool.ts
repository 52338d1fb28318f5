import { DefinitionError } from '../errors/definition-error';
import { describeValue } from '../errors/option-names';

/**
 * Refuses, where an effect is defined, a tool not made with `defineTool`: it was taken, and the
 * run failed later on a TypeError inside the harness.
 *
 * @throws DefinitionError `definition.invalid_option` naming `owner`.
 */
export function assertDefinedTool(owner: string, tool: unknown): void {
  if ((tool as { kind?: unknown } | null)?.kind === 'agentchart.tool') return;
  throw new DefinitionError(
    'definition.invalid_option',
    `${owner}: the tool is ${describeValue(tool)}, not a tool made with defineTool({ name, description, input, output, effect, execute }).`,
  );
}
