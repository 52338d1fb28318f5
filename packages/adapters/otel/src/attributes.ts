/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions (status "Development",
 * open-telemetry/semantic-conventions-genai) that this package sets, and the `agentchart.*`
 * extensions for what the conventions have no name for (cost, cache hits, retries, chart
 * states). Kept as plain strings: `@opentelemetry/semantic-conventions` only ships the
 * incubating GenAI names from a separate entry, and a rename there must not change ours.
 */
export const GenAi = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  conversationId: 'gen_ai.conversation.id',
  agentName: 'gen_ai.agent.name',
  requestModel: 'gen_ai.request.model',
  requestTemperature: 'gen_ai.request.temperature',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  outputType: 'gen_ai.output.type',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  tokenType: 'gen_ai.token.type',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  toolDefinitions: 'gen_ai.tool.definitions',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
} as const;

/** The `agentchart.*` extension attributes and span event names. */
export const Agentchart = {
  costUsd: 'agentchart.cost_usd',
  cached: 'agentchart.cached',
  retries: 'agentchart.retries',
  confidence: 'agentchart.confidence',
  site: 'agentchart.site',
  callId: 'agentchart.call_id',
  inputHash: 'agentchart.input_hash',
  state: 'agentchart.state',
  runResumed: 'agentchart.run.resumed',
  runStatus: 'agentchart.run.status',
  runInput: 'agentchart.run.input',
  threadInputTokens: 'agentchart.thread.input_tokens',
  threadOutputTokens: 'agentchart.thread.output_tokens',
  threadCostUsd: 'agentchart.thread.cost_usd',
  threadModelCalls: 'agentchart.thread.model_calls',
  threadToolCalls: 'agentchart.thread.tool_calls',
  checkpoints: 'agentchart.checkpoints',
  budgetContextWindow: 'agentchart.budget.context_window',
  budgetInputTokens: 'agentchart.budget.input_tokens',
  budgetTokenTax: 'agentchart.budget.token_tax',
  budgetTrimmed: 'agentchart.budget.trimmed',
} as const;

/** The values of `gen_ai.operation.name` this package uses. */
export const Operation = {
  invokeAgent: 'invoke_agent',
  chat: 'chat',
  executeTool: 'execute_tool',
} as const;
