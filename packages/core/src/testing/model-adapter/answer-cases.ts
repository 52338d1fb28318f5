import assert from 'node:assert/strict';
import type { ChatResponse } from '../../model/types';
import type { ConformanceCase } from '../conformance/context';
import type { AdapterCaseContext } from './context';
import type { ProviderAnswerReply, ProviderFeature } from './provider-reply';
import { requestAfterInvalidArguments } from './request';

const text: ProviderAnswerReply = {
  kind: 'answer',
  content: 'The invoice is due on 3 March.',
  chunks: ['The invoice ', 'is due ', 'on 3 March.'],
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 120, outputTokens: 9 },
};

const toolCalls: ProviderAnswerReply = {
  kind: 'answer',
  content: '',
  chunks: [],
  toolCalls: [
    { id: 'call_1', name: 'lookup_invoice', arguments: { invoiceId: 'INV-7', fields: ['due'] } },
    { id: 'call_2', name: 'lookup_customer', arguments: { name: 'Ada "the" Lovelace' } },
  ],
  finishReason: 'tool_calls',
  usage: { inputTokens: 200, outputTokens: 31 },
};

function expectAnswer(response: ChatResponse, reply: ProviderAnswerReply): void {
  assert.equal(response.content, reply.content, 'content: the text of the answer, joined');
  assert.equal(
    response.finishReason,
    reply.finishReason,
    `finishReason: the provider's stop reason mapped onto agentchart's (expected ${reply.finishReason})`,
  );
  assert.deepEqual(
    response.toolCalls.map(({ id, name, arguments: json }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch {
        assert.fail(`toolCalls: the arguments of ${name} are not the JSON text the model wrote`);
      }
      return { id, name, arguments: parsed };
    }),
    reply.toolCalls,
    'toolCalls: each call with its id, name and arguments as JSON text',
  );
  // A provider that reports 0 cached tokens says what one that leaves them out does.
  const tokens = ({ inputTokens, outputTokens, cachedInputTokens = 0 }: ChatResponse['usage']) => ({
    inputTokens,
    outputTokens,
    cachedInputTokens,
  });
  assert.deepEqual(
    tokens(response.usage),
    tokens(reply.usage),
    'usage: inputTokens counts every input token, cached ones included (cachedInputTokens is the part of them read from the cache)',
  );
}

/** Whole answers, streamed or not: text, tool calls, finish reasons, usage with its cache. */
export function answerCases({ withModel, has }: AdapterCaseContext): ConformanceCase[] {
  const cases: Array<ConformanceCase & { needs?: ProviderFeature }> = [
    {
      name: 'answer: text with its usage and finish reason stop',
      run: () => withModel(text, async (generate) => expectAnswer(await generate(), text)),
    },
    {
      name: 'answer: usage with cached input counts the cached tokens within inputTokens',
      needs: 'prompt_cache',
      run: () => {
        const cached: ProviderAnswerReply = {
          ...text,
          usage: { inputTokens: 10_120, outputTokens: 9, cachedInputTokens: 10_000 },
        };
        return withModel(cached, async (generate) => expectAnswer(await generate(), cached));
      },
    },
    {
      name: 'answer: tool calls with their arguments as JSON text and finish reason tool_calls',
      run: () =>
        withModel(toolCalls, async (generate) => expectAnswer(await generate(), toolCalls)),
    },
    {
      name: 'request: a tool call whose arguments were not JSON is sent back to the model',
      run: () =>
        withModel(text, async (generate) =>
          expectAnswer(await generate({ request: requestAfterInvalidArguments }), text),
        ),
    },
    {
      name: 'answer: cut off at the output limit is finish reason length',
      run: () => {
        const cut: ProviderAnswerReply = {
          ...text,
          content: 'The invoice is',
          chunks: ['The invoice ', 'is'],
          finishReason: 'length',
        };
        return withModel(cut, async (generate) => expectAnswer(await generate(), cut));
      },
    },
    {
      name: 'answer: a refusal is finish reason refusal, with its text',
      needs: 'refusal',
      run: () => {
        const refusal = "I can't help with that.";
        const reply: ProviderAnswerReply = {
          ...text,
          content: '',
          chunks: [],
          refusal,
          finishReason: 'refusal',
        };
        return withModel(reply, async (generate) => {
          const response = await generate();
          assert.equal(response.finishReason, 'refusal', 'finishReason: refusal');
          assert.ok(
            `${response.refusal ?? ''} ${response.content}`.includes(refusal),
            'the refusal text, in refusal (where the provider sends it apart) or in content',
          );
        });
      },
    },
    {
      name: 'answer: a filtered answer is finish reason content_filter',
      needs: 'content_filter',
      run: () => {
        const filtered: ProviderAnswerReply = { ...text, finishReason: 'content_filter' };
        return withModel(filtered, async (generate) => {
          assert.equal((await generate()).finishReason, 'content_filter');
        });
      },
    },
    {
      name: 'stream: with onToken, each delta in order, and the whole answer returned',
      needs: 'streaming',
      run: () =>
        withModel(text, async (generate) => {
          const deltas: string[] = [];
          const response = await generate({ onToken: (delta) => deltas.push(delta) });
          expectAnswer(response, text);
          assert.equal(deltas.join(''), text.content, 'onToken: the deltas join into the content');
          assert.ok(deltas.length > 1, 'onToken: called with each delta as it came, not once');
        }),
    },
    {
      name: 'stream: tool calls assembled from a streamed answer',
      needs: 'streaming',
      run: () =>
        withModel(toolCalls, async (generate) =>
          expectAnswer(await generate({ onToken: () => {} }), toolCalls),
        ),
    },
  ];
  return cases.filter(({ needs }) => needs === undefined || has(needs));
}
