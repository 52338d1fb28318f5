/**
 * @module
 * Test doubles for code that talks to OpenAI-compatible endpoints: a fault-injecting
 * chat completions server and builders for its replies. Import from
 * `@agentchart/openai/testing`, in tests only.
 */

export type {
  OpenAITestServer,
  OpenAITestServerOptions,
} from './openai-test-server';
export { createOpenAITestServer } from './openai-test-server';
export type { MessageFields, RetryHint } from './replies';
export { replies } from './replies';
export { scriptedReplyHandler } from './scripted-reply-handler';
export type {
  ChatCompletionRequestBody,
  ConnectionResetReply,
  HttpErrorReply,
  MalformedReply,
  MessageReply,
  OpenAIErrorBody,
  PartialReply,
  RecordedRequest,
  ReplyHandler,
  ReplyTiming,
  ScriptedFinishReason,
  ScriptedReply,
  ScriptedToolCall,
  ScriptedUsage,
  StallReply,
} from './types';
