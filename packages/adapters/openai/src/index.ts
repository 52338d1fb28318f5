/**
 * @module
 * OpenAI, any OpenAI-compatible endpoint (LM Studio, Ollama, vLLM, Groq) and any LangChain
 * chat model as agentchart `ChatModel`s, with provider errors mapped onto core's
 * `ModelCallError` and metadata (context windows, prices) for common OpenAI models.
 * Test doubles live in `@agentchart/openai/testing`.
 */

export type {
  LangChainChatModelOptions,
  LangChainModelSettings,
  LangChainModelSource,
} from './langchain/langchain-chat-model';
export { langChainChatModel } from './langchain/langchain-chat-model';
export type { StructuredOutputMode } from './messages/to-openai-response-format';
export {
  lookupModelMetadata,
  openAIModelMetadata,
  resolveModelMetadata,
} from './metadata/model-metadata';
export type { OpenAIChatModelOptions } from './openai/openai-chat-model';
export { openAIChatModel } from './openai/openai-chat-model';
