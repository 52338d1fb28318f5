import { DefinitionError, defineTool, RunError, type ToolEffect } from '@agentchart/core';
import type { z } from 'zod';
import { UnsupportedPatternError } from './compile-linear-pattern';
import type { LinearAjv } from './create-linear-ajv';
import { inputContractOf } from './input-contract';
import { McpServerError } from './mcp-server-error';
import type { McpSession } from './mcp-session';
import type { ListedTool } from './select-tools';
import { toolDescription } from './tool-description';
import { type CallToolAnswer, McpToolResultSchema, toToolOutput } from './tool-result';
import type { McpTool } from './types';

/** How one listed tool becomes an agentchart tool. */
export interface McpToolOptions {
  session: McpSession;
  listed: ListedTool;
  /** The agentchart name (prefixed, provider-safe); calls use `listed.name`. */
  name: string;
  effect: ToolEffect;
  description: string | undefined;
  timeoutMs: number;
  maxOutputBytes: number;
  /** Compiles the input schemas zod does not take, with patterns in linear time. */
  ajv: LinearAjv;
  /** Why the client could not compile the tool's output schema, if it has one it could not. */
  outputSchemaFailure: Error | undefined;
  /**
   * Checks a structured result against the tool's output schema: what is wrong with it, or
   * undefined. Absent for a tool with no output schema.
   */
  checkOutput: ((structured: unknown) => string | undefined) | undefined;
  /** The credentials the transport hands the server, for the agent to redact. */
  secrets: readonly string[];
}

/**
 * An MCP server's tool as an agentchart tool: arguments checked against the server's input
 * schema before the call, the server's JSON Schema sent to the model as it is, the result
 * checked against MCP's content shape.
 */
export function mcpTool({
  session,
  listed,
  name,
  effect,
  description,
  timeoutMs,
  maxOutputBytes,
  ajv,
  outputSchemaFailure,
  checkOutput,
  secrets,
}: McpToolOptions): McpTool {
  const owner = `MCP tool "${listed.name}" of server "${session.server}"`;
  if (outputSchemaFailure) throw outputSchemaError(owner, outputSchemaFailure);
  if (listed.execution?.taskSupport === 'required') throw taskOnlyError(owner);
  const { $schema: _ignored, ...parameters } = listed.inputSchema;
  const tool = defineTool({
    name,
    description: toolDescription(listed, session.server, description),
    input: inputContractOf(listed.inputSchema, { owner, ajv }),
    output: McpToolResultSchema,
    effect,
    timeoutMs,
    secrets,
    execute: async (input, { signal, idempotencyKey }) => {
      let answer: CallToolAnswer;
      try {
        answer = await session.call(listed.name, input, { signal, timeoutMs, idempotencyKey });
      } catch (error) {
        throw effect === 'unsafe'
          ? (ranButUnusable(error, name, idempotencyKey) ??
              ambiguousIfUnanswered(error, name, idempotencyKey, input))
          : error;
      }
      try {
        if (checkOutput) checkStructuredResult(answer, checkOutput, session.server, listed.name);
        return toToolOutput(answer, {
          server: session.server,
          tool: listed.name,
          maxOutputBytes,
        }) as z.input<typeof McpToolResultSchema>;
      } catch (error) {
        throw effect === 'unsafe' ? (ranButUnusable(error, name, idempotencyKey) ?? error) : error;
      }
    },
  });
  // The server's own schema, not zod's round trip of it: same constraints, its own wording.
  return { ...tool, parameters };
}

/**
 * Holds a result to the tool's output schema. The MCP client does this only for the tools of
 * the last page of a paged `tools/list` (it keeps the schemas of the last listing it saw), so
 * every tool checks its own: a tool listed on an earlier page would otherwise pass a result
 * its schema refuses straight to the model. An error result is not checked, as MCP says.
 */
function checkStructuredResult(
  answer: CallToolAnswer,
  checkOutput: (structured: unknown) => string | undefined,
  server: string,
  tool: string,
): void {
  if (answer.isError === true) return;
  const problem =
    answer.structuredContent === undefined
      ? 'it has an output schema but returned no structured content'
      : checkOutput(answer.structuredContent);
  if (problem === undefined) return;
  // The tool ran on the server: an unsafe one is not reported to a model that could call it again.
  throw new McpServerError('mcp.request_failed', {
    message: `MCP tool "${tool}" of server "${server}" ran, but its answer breaks the tool's own output schema: ${problem}. The server must fix the tool or its outputSchema.`,
    details: { server, tool, answered: true },
  });
}

/**
 * An `unsafe` call the server ran but whose answer cannot be used (over `maxOutputBytes`, or
 * breaking the tool's output schema) did act: reported to a model as a failure, it would be
 * called again and act twice. It fails as `tool.invalid_output`, which a tool loop sends to
 * the chart's error path, as core does for an unsafe tool whose output breaks its contract.
 */
function ranButUnusable(error: unknown, tool: string, key: string): RunError | undefined {
  if (!McpServerError.isInstance(error)) return undefined;
  if (error.code !== 'mcp.output_too_large' && error.details.answered !== true) return undefined;
  return new RunError('tool.invalid_output', {
    message: `Tool "${tool}" (unsafe) ran on MCP server "${error.details.server}", but its answer cannot be used: ${error.message} It is not reported to the model, which could call it again and act twice (key ${key}); handle it in the chart (onError).`,
    cause: error,
    details: { tool, key },
  });
}

/**
 * An `unsafe` call the server may have run without answering (its process died, the
 * connection dropped, it timed out, or close() came during it) is ambiguous, as core makes an
 * `unsafe` tool that times out: never reported to a model that could call the tool again and
 * act twice, but sent to the chart's error path. Failures before anything was sent, and
 * answers the server gave, stay as they are.
 */
function ambiguousIfUnanswered(error: unknown, tool: string, key: string, input: unknown): unknown {
  if (!McpServerError.isInstance(error) || error.details.mayHaveRun !== true) return error;
  return new RunError('effect.ambiguous', {
    message:
      `Tool "${tool}" (unsafe) got no answer from MCP server "${error.details.server}" ` +
      `(${error.code}); it may or may not have acted (key ${key}). It is not run again. Check ` +
      'with the server whether it acted (the cause has the details), or route this error to a ' +
      'human in the chart (onError).',
    cause: error,
    details: { tool, key, input },
  });
}

/**
 * A chosen tool whose output schema the client cannot compile would have every answer refused
 * after it ran; refused at connect instead, like an input schema that cannot be compiled.
 */
function outputSchemaError(owner: string, failure: Error): DefinitionError {
  const what =
    failure instanceof UnsupportedPatternError
      ? `its output schema's ${failure.message}`
      : `its output schema cannot be compiled (${failure.message})`;
  return new DefinitionError(
    'definition.schema_not_convertible',
    `${owner}: ${what}, so its results cannot be checked. Leave the tool out with \`include\`, ` +
      'or fix the schema on the server.',
    failure,
  );
}

/**
 * A chosen tool the server lets run only as an MCP task (`execution.taskSupport: 'required'`):
 * the MCP client refuses every plain `tools/call` of it before sending, so offered, it failed
 * each call the model made, saying the server refused it and to use an SDK API agentchart
 * does not expose. Refused at connect instead, like a schema no call could be checked with.
 */
function taskOnlyError(owner: string): DefinitionError {
  return new DefinitionError(
    'definition.invalid_option',
    `${owner} runs only as an MCP task (its execution.taskSupport is "required"), and ` +
      'agentchart calls tools with tools/call, so every call would fail. Leave the tool out ' +
      'with `include`, or have the server let it be called directly (taskSupport "optional").',
  );
}
