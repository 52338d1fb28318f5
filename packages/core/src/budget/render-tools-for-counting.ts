import type { ToolDefinition } from '../model/types';

type JsonSchema = Record<string, unknown>;

/**
 * The text OpenAI is understood to place in the prompt for tool definitions: a TypeScript
 * `namespace functions` with one type per tool, descriptions as comments. The format was
 * inferred from the models' own output and from counts the API reports (the approach of
 * hmarr/openai-chat-tokens); with the overhead in {@link createTokenCounter} it reproduces
 * the prompt tokens OpenAI publishes for its tool-calling example exactly (101 on gpt-4o,
 * 105 on gpt-4). Only token counting uses it; requests carry the JSON Schema as it is.
 */
export function renderToolsForCounting(tools: readonly ToolDefinition[]): string {
  const lines = ['namespace functions {', ''];
  for (const tool of tools) {
    if (tool.description) lines.push(`// ${tool.description}`);
    const properties = propertiesOf(tool.parameters);
    if (Object.keys(properties).length > 0) {
      lines.push(`type ${tool.name} = (_: {`);
      lines.push(renderProperties(tool.parameters, 0));
      lines.push('}) => any;');
    } else {
      lines.push(`type ${tool.name} = () => any;`);
    }
    lines.push('');
  }
  lines.push('} // namespace functions');
  return lines.join('\n');
}

/** A JSON Schema as a TypeScript type, the way {@link renderToolsForCounting} writes it. */
export function renderSchemaType(schema: JsonSchema, indent = 0): string {
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(variants))
    return variants.map((item) => renderSchemaType(item, indent)).join(' | ');
  if (Array.isArray(schema.enum)) return schema.enum.map(literal).join(' | ');
  if (schema.const !== undefined) return literal(schema.const);
  if (Array.isArray(schema.type)) {
    return schema.type.map((type) => renderSchemaType({ ...schema, type }, indent)).join(' | ');
  }
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const items = schema.items as JsonSchema | undefined;
      return items && typeof items === 'object' ? `${renderSchemaType(items, indent)}[]` : 'any[]';
    }
    case 'object':
      if (Object.keys(propertiesOf(schema)).length === 0) return 'object';
      return ['{', renderProperties(schema, indent + 2), '}'].join('\n');
    default:
      return 'any';
  }
}

function renderProperties(schema: JsonSchema, indent: number): string {
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const lines: string[] = [];
  for (const [name, property] of Object.entries(propertiesOf(schema))) {
    if (typeof property.description === 'string' && indent < 2) {
      lines.push(`// ${property.description}`);
    }
    const optional = required.has(name) ? '' : '?';
    lines.push(`${name}${optional}: ${renderSchemaType(property, indent)},`);
  }
  return lines.map((line) => ' '.repeat(indent) + line).join('\n');
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const properties = schema.properties;
  return properties && typeof properties === 'object'
    ? (properties as Record<string, JsonSchema>)
    : {};
}

function literal(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}
