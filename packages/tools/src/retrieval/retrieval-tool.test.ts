import { describe, expect, it } from 'vitest';
import { RetrievalError } from './retrieval-error';
import { retrievalTool } from './retrieval-tool';
import { createTestEmbedder } from './test-embedder';
import type { RetrievalDocument } from './types';

const context = { signal: new AbortController().signal, idempotencyKey: 'key', threadId: 'thread' };
const documents: RetrievalDocument[] = [
  {
    id: 'fleet',
    text: 'Company cars are booked through the fleet desk.',
    metadata: { title: 'Fleet' },
  },
  { id: 'pets', text: 'Kittens and other pets may not come to the office.' },
  { id: 'refunds', text: 'A refund is paid within 30 days of the invoice.' },
  { id: 'leave', text: 'Each employee has 25 days of paid leave per year.' },
  { id: 'sso', text: 'Sign in with your SSO credentials; never share a password.' },
];

describe('retrievalTool', () => {
  it('finds documents by their words with keyword search', async () => {
    const tool = retrievalTool({ documents });
    expect(tool.effect).toBe('pure');
    expect(tool.input.safeParse({ query: 'x', mode: 'vector' }).success).toBe(false);
    const { results, mode } = await tool.execute({ query: 'refund invoice' }, context);
    expect(mode).toBe('keyword');
    expect(results.map((result) => result.id)).toEqual(['refunds']);
  });

  it('finds documents by meaning with vector search, where keywords find nothing', async () => {
    const embedder = createTestEmbedder();
    const tool = retrievalTool({ documents, embedder });
    await expect(
      tool.execute({ query: 'automobile', mode: 'keyword' }, context),
    ).resolves.toMatchObject({
      results: [],
    });
    const { results } = await tool.execute(
      { query: 'automobile', mode: 'vector', limit: 1 },
      context,
    );
    expect(results).toEqual([
      {
        id: 'fleet',
        score: expect.any(Number),
        text: 'Company cars are booked through the fleet desk.',
        truncated: false,
        metadata: { title: 'Fleet' },
      },
    ]);
    expect(results[0]!.score).toBeGreaterThan(0.9);
  });

  it('merges both rankings in hybrid mode, the default with an embedder', async () => {
    const tool = retrievalTool({ documents, embedder: createTestEmbedder(), maxResults: 2 });
    const { results, mode } = await tool.execute({ query: 'vacation days' }, context);
    expect(mode).toBe('hybrid');
    expect(results.map((result) => result.id)).toEqual(['leave', 'refunds']);
  });

  it('embeds the documents once, in batches, and each query once', async () => {
    const embedder = createTestEmbedder();
    const tool = retrievalTool({ documents, embedder, embedBatchSize: 2 });
    await tool.execute({ query: 'kitten', mode: 'vector' }, context);
    await tool.execute({ query: 'login', mode: 'vector' }, context);
    expect(embedder.calls.map((batch) => batch.length)).toEqual([2, 2, 1, 1, 1]);
  });

  it('cuts long texts at maxResultChars and says so', async () => {
    const tool = retrievalTool({
      documents: [{ id: 'long', text: `refund ${'x'.repeat(5_000)}` }],
      maxResultChars: 100,
    });
    const { results } = await tool.execute({ query: 'refund' }, context);
    expect(results[0]).toMatchObject({ truncated: true });
    expect(results[0]!.text).toHaveLength(100);
  });

  it('cuts a text before a character the cut would split: half an emoji was a lone surrogate, which some model APIs refuse as invalid JSON', async () => {
    const tool = retrievalTool({
      // The emoji (two UTF-16 code units) straddles the 10-character cut.
      documents: [{ id: 'emoji', text: `refund ab\u{1F600} and the rest` }],
      maxResultChars: 10,
    });
    const { results } = await tool.execute({ query: 'refund' }, context);
    expect(results[0]).toMatchObject({ truncated: true, text: 'refund ab' });
  });

  it('reports an embedder that fails or answers the wrong shape, and recovers on the next call', async () => {
    let mode: 'fail' | 'short' | 'nan' | 'ok' = 'fail';
    const good = createTestEmbedder();
    const tool = retrievalTool({
      documents,
      embedder: {
        embed: async (texts, options) => {
          if (mode === 'fail') throw new Error('HTTP 503');
          if (mode === 'short') return [[1]];
          if (mode === 'nan') return texts.map(() => [Number.NaN]);
          return good.embed(texts, options);
        },
      },
    });
    const codeOf = (error: unknown) => (RetrievalError.isInstance(error) ? error.code : error);
    await expect(tool.execute({ query: 'car' }, context).catch(codeOf)).resolves.toBe(
      'retrieval.embedder_failed',
    );
    mode = 'short';
    await expect(tool.execute({ query: 'car' }, context).catch(codeOf)).resolves.toBe(
      'retrieval.invalid_embedding',
    );
    mode = 'nan';
    await expect(tool.execute({ query: 'car' }, context).catch(codeOf)).resolves.toBe(
      'retrieval.invalid_embedding',
    );
    mode = 'ok';
    await expect(
      tool.execute({ query: 'car', mode: 'vector', limit: 1 }, context),
    ).resolves.toMatchObject({
      results: [{ id: 'fleet' }],
    });
  });

  it('refuses documents and options it cannot index when it is defined', () => {
    expect(() =>
      retrievalTool({
        documents: [
          { id: 'a', text: 'x' },
          { id: 'a', text: 'y' },
        ],
      }),
    ).toThrow('repeats the id "a"');
    expect(() => retrievalTool({ documents: [{ id: '', text: 'x' }] })).toThrow(
      'non-empty string id',
    );
    expect(() => retrievalTool({ documents, defaultMode: 'vector' })).toThrow('needs an embedder');
    expect(() => retrievalTool({ documents, maxResults: 0 })).toThrow('maxResults is 0');
    // Each search in the default hybrid mode failed with embedder_failed, at run time.
    for (const embedder of [{}, { embed: 42 }]) {
      expect(() => retrievalTool({ documents, embedder: embedder as never })).toThrow(
        /embedder is an object\. Give \{ embed\(texts, \{ signal \}\) \}/,
      );
    }
  });

  it('refuses metadata it cannot return when it is defined: each search that found the document failed with tool.invalid_output', async () => {
    const wrong: unknown[] = [['a', 'list'], { nested: true }, null, Number.NaN, new Date(0)];
    for (const value of wrong) {
      expect(() =>
        retrievalTool({
          documents: [{ id: 'tagged', text: 'refund policy', metadata: { tags: value as string } }],
        }),
      ).toThrow(
        /documents\[0\]\.metadata\.tags is .*\. Give metadata as an object whose values are strings, finite numbers or booleans/,
      );
    }
    expect(() =>
      retrievalTool({ documents: [{ id: 'a', text: 'x', metadata: 'title' as never }] }),
    ).toThrow('documents[0].metadata is the string "title"');
    // What it can return stays allowed, and comes back as it was given.
    const tool = retrievalTool({
      documents: [{ id: 'a', text: 'refund', metadata: { title: 'T', page: 3, draft: false } }],
    });
    const output = await tool.execute({ query: 'refund' }, context);
    expect(tool.output.safeParse(output).success).toBe(true);
  });
});
