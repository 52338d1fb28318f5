import { z } from 'zod';
import { McpServerError } from './mcp-server-error';

const text = z.object({ type: z.literal('text'), text: z.string() });
const media = z.object({
  type: z.enum(['image', 'audio']),
  /** Base64. */
  data: z.string(),
  mimeType: z.string(),
});
const resource = z.object({
  type: z.literal('resource'),
  resource: z.object({
    uri: z.string(),
    mimeType: z.string().optional(),
    text: z.string().optional(),
    blob: z.string().optional(),
  }),
});
const resourceLink = z.object({
  type: z.literal('resource_link'),
  uri: z.string(),
  name: z.string(),
  description: z.string().optional(),
  mimeType: z.string().optional(),
});

/**
 * The output contract of every MCP tool: MCP's content blocks and the optional structured
 * result. Annotations and `_meta` are left out: the model needs the content, not the
 * server's bookkeeping.
 */
export const McpToolResultSchema = z.object({
  content: z.array(z.discriminatedUnion('type', [text, media, resource, resourceLink])),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
});

/** A `tools/call` answer as the SDK returns it (the fields this package reads). */
export interface CallToolAnswer {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
}

/** Where a result came from, for the messages of the errors it raises. */
export interface ResultSource {
  server: string;
  tool: string;
  maxOutputBytes: number;
}

/**
 * The tool's output from a `tools/call` answer: an `isError` answer becomes
 * `mcp.tool_error` carrying the server's text, and an answer over `maxOutputBytes` becomes
 * `mcp.output_too_large`. The shape is checked afterwards against {@link McpToolResultSchema}.
 */
export function toToolOutput(answer: CallToolAnswer, source: ResultSource): unknown {
  const output =
    answer.structuredContent === undefined
      ? { content: answer.content }
      : { content: answer.content, structuredContent: answer.structuredContent };
  if (answer.isError === true) {
    throw new McpServerError('mcp.tool_error', {
      message: `MCP tool "${source.tool}" of server "${source.server}" reported an error: ${errorText(answer.content)}`,
      details: { server: source.server, tool: source.tool, content: answer.content },
    });
  }
  const json = jsonOrTooDeep(output);
  // Too deep for JSON.stringify: returned as it is, for the harness to refuse as
  // `tool.output_too_deep` like any tool's output nested too deep, not a stack overflow.
  if (json === undefined) return output;
  const bytes = Buffer.byteLength(json);
  if (bytes > source.maxOutputBytes) {
    throw new McpServerError('mcp.output_too_large', {
      message:
        `MCP tool "${source.tool}" of server "${source.server}" returned ${bytes} bytes, over ` +
        `maxOutputBytes (${source.maxOutputBytes}). Ask the tool for less (a narrower query, ` +
        'one page), or raise maxOutputBytes in connectMcpServer.',
      details: { server: source.server, tool: source.tool, bytes },
    });
  }
  return output;
}

/**
 * The JSON text of a result, or `undefined` when it nests too deep for JSON.stringify (a
 * RangeError): a server can answer a few kilobytes of `[[[[…`, which the client parses.
 */
function jsonOrTooDeep(output: unknown): string | undefined {
  try {
    return JSON.stringify(output);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * The text blocks of an error answer, joined: what the model reads to recover. Not clipped
 * here: the harness cuts a tool's error message (and a tool loop its history) around the
 * agent's secrets, which this adapter does not know — a cut here could split one, and the
 * part left would pass redaction.
 */
function errorText(content: unknown): string {
  const texts = Array.isArray(content)
    ? content
        .filter((block) => block?.type === 'text' && typeof block.text === 'string')
        .map((block) => block.text as string)
    : [];
  const joined = texts.join('\n').trim();
  return joined || '(no text in the answer)';
}
