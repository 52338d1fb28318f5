import { modelAdapterConformance, type ProviderReply } from '@agentchart/core/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import type { ScriptedReply } from '../testing/types';
import { openAIChatModel } from './openai-chat-model';

const server = createOpenAITestServer({ apiKey: 'sk-test' });
let baseURL: string;

beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());

/** The suite's provider-neutral reply, as OpenAI's chat completions API sends it. */
function asOpenAI(reply: ProviderReply): ScriptedReply {
  switch (reply.kind) {
    case 'answer': {
      const fields = {
        usage: reply.usage,
        finishReason: reply.finishReason === 'refusal' ? undefined : reply.finishReason,
        chunks: [...reply.chunks],
      };
      if (reply.finishReason === 'refusal') return replies.refusal(reply.refusal);
      if (reply.toolCalls.length > 0) return replies.toolCalls([...reply.toolCalls], fields);
      return replies.text(reply.content, fields);
    }
    case 'error':
      switch (reply.fault) {
        case 'rate_limited':
          return replies.rateLimited(
            reply.retryAfterSeconds === undefined
              ? undefined
              : { retryAfterSeconds: reply.retryAfterSeconds },
          );
        case 'quota_exhausted':
          return replies.insufficientQuota();
        case 'server_error':
          return replies.serverError(500);
        case 'overloaded':
          return replies.serverError(503);
        case 'bad_request':
          return replies.badRequest();
        case 'context_length':
          return replies.contextLengthExceeded();
        case 'authentication':
          return replies.invalidApiKey();
        case 'permission':
          return replies.httpError(403, 'You are not allowed to sample from this model');
        case 'not_found':
          return replies.modelNotFound();
      }
      break;
    case 'reset':
      return replies.connectionReset();
    case 'malformed':
      return replies.malformed();
    case 'stall':
      return replies.stall();
    case 'cut_stream':
      return replies.cutMidway();
  }
  throw new Error(`no OpenAI reply for ${JSON.stringify(reply)}`);
}

describe('openAIChatModel passes the model adapter conformance suite', () => {
  for (const { name, run } of modelAdapterConformance({
    create: () => openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL }),
    serve: (reply) => {
      server.reset();
      server.enqueue(asOpenAI(reply));
    },
    openRequests: () => server.openResponses,
  })) {
    it(name, run);
  }
});
