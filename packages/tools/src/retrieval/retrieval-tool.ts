import { DefinitionError, defineTool, type Tool } from '@agentchart/core';
import { checkOptionNames, describeValue, optionNamesOf } from '@agentchart/core/internal';
import { z } from 'zod';
import { requirePositiveInteger } from '../shared/validate-option';
import { fuseRankings } from './fuse-rankings';
import { createKeywordIndex, type ScoredDocument } from './keyword-index';
import { RetrievalError } from './retrieval-error';
import type { RetrievalDocument, RetrievalMode, RetrievalToolOptions } from './types';
import { createVectorIndex } from './vector-index';

const retrievalOutput = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      /** Higher is better; comparable only within one search and mode. */
      score: z.number(),
      text: z.string(),
      /** True when the text was cut at maxResultChars. */
      truncated: z.boolean(),
      metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    }),
  ),
  mode: z.enum(['keyword', 'vector', 'hybrid']),
});

/** The input the model sends to {@link retrievalTool}. */
export interface RetrievalToolInput {
  query: string;
  limit?: number;
  mode?: RetrievalMode;
}

/** The retrieval tool's type. */
export type RetrievalTool = Tool<z.ZodType<RetrievalToolInput>, typeof retrievalOutput>;

/** Every option of {@link retrievalTool}, checked against its type by the compiler. */
const retrievalToolOptionNames = optionNamesOf<RetrievalToolOptions>({
  name: true,
  documents: true,
  corpusHint: true,
  embedder: true,
  defaultMode: true,
  maxResults: true,
  maxResultChars: true,
  embedBatchSize: true,
  timeoutMs: true,
});

/**
 * A tool that searches an in-memory set of documents: keyword search (BM25) always, and with
 * an `embedder` also vector search (cosine similarity) and hybrid search (both rankings merged
 * by reciprocal rank fusion). Documents are indexed when the tool is made and embedded once,
 * on the first search that needs it. Results are capped at `maxResults`, each text at
 * `maxResultChars`. Searching only, so `pure`.
 *
 * Retrieved text is untrusted input to the model: it may carry instructions a document's
 * author planted.
 *
 * @example
 * ```ts
 * const handbook = retrievalTool({
 *   documents: sections.map((section) => ({ id: section.slug, text: section.body, metadata: { title: section.title } })),
 *   embedder: { embed: (texts, { signal }) => embedWithMyModel(texts, signal) },
 *   corpusHint: 'Sections of the employee handbook.',
 * });
 * ```
 */
export function retrievalTool(options: RetrievalToolOptions): RetrievalTool {
  checkOptionNames('retrievalTool', options, retrievalToolOptionNames);
  const {
    name = 'search_documents',
    documents,
    corpusHint,
    embedder,
    defaultMode = embedder ? 'hybrid' : 'keyword',
    maxResults = 5,
    maxResultChars = 1_000,
    embedBatchSize = 64,
    timeoutMs = 10_000,
  } = options;
  // A broken embedder failed every search in the default hybrid mode, at run time.
  if (
    embedder !== undefined &&
    typeof (embedder as { embed?: unknown } | null)?.embed !== 'function'
  ) {
    throw new DefinitionError(
      'definition.invalid_option',
      `retrievalTool: embedder is ${describeValue(embedder)}. Give { embed(texts, { signal }) } returning one vector per text, or leave it out for keyword search only.`,
    );
  }
  const owner = 'retrievalTool';
  const corpus = checkedDocuments(owner, documents);
  requirePositiveInteger(owner, 'maxResults', maxResults);
  requirePositiveInteger(owner, 'maxResultChars', maxResultChars);
  requirePositiveInteger(owner, 'embedBatchSize', embedBatchSize);
  requirePositiveInteger(owner, 'timeoutMs', timeoutMs);
  const modes: [RetrievalMode, ...RetrievalMode[]] = embedder
    ? ['hybrid', 'keyword', 'vector']
    : ['keyword'];
  if (!modes.includes(defaultMode)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: defaultMode is "${defaultMode}", which needs an embedder. Pass embedder, or use "keyword".`,
    );
  }
  const texts = corpus.map((document) => document.text);
  const keywords = createKeywordIndex(texts);
  const vectors = embedder && createVectorIndex(embedder, texts, embedBatchSize);
  const input = z.strictObject({
    query: z.string().min(1).max(2_000).describe('What to look for, in words.'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(maxResults)
      .optional()
      .describe(`How many results, at most ${maxResults}.`),
    ...(embedder
      ? {
          mode: z
            .enum(modes)
            .optional()
            .describe(
              `keyword: exact words (names, codes); vector: meaning; hybrid: both. Default ${defaultMode}.`,
            ),
        }
      : {}),
  });

  const rank = async (query: string, mode: RetrievalMode, limit: number, signal: AbortSignal) => {
    if (mode === 'keyword' || !vectors) return keywords.search(query, limit);
    let byMeaning: ScoredDocument[];
    try {
      byMeaning = await vectors.search(query, mode === 'vector' ? limit : limit * 2, signal);
    } catch (error) {
      if (RetrievalError.isInstance(error) || signal.aborted) throw error;
      throw new RetrievalError(
        'retrieval.embedder_failed',
        `The embedder failed: ${(error as Error)?.message ?? String(error)}. Keyword search still works: retry with mode "keyword".`,
        error,
      );
    }
    if (mode === 'vector') return byMeaning;
    return fuseRankings([keywords.search(query, limit * 2), byMeaning], limit);
  };

  return defineTool({
    name,
    description: `Searches ${corpus.length} documents and returns the best matches (at most ${maxResults}) with their ids and text.${embedder ? ' Modes: keyword (exact words), vector (meaning), hybrid (both).' : ' Matches documents by their words.'}${corpusHint ? ` ${corpusHint}` : ''}`,
    input: input as unknown as z.ZodType<RetrievalToolInput>,
    output: retrievalOutput,
    effect: 'pure',
    timeoutMs,
    execute: async ({ query, limit = maxResults, mode = defaultMode }, { signal }) => {
      const ranked = await rank(query, mode, limit, signal);
      return {
        mode,
        results: ranked.map(({ index, score }) => {
          const { id, text, metadata } = corpus[index]!;
          const truncated = text.length > maxResultChars;
          return {
            id,
            score: Number(score.toFixed(6)),
            text: truncated ? cutText(text, maxResultChars) : text,
            truncated,
            ...(metadata ? { metadata } : {}),
          };
        }),
      };
    },
  });
}

/**
 * The first `length` characters of `text`, one fewer when the cut would split a surrogate
 * pair: half an emoji is a lone surrogate, which JSON carries as `\ud83d` and some model APIs
 * refuse as invalid, failing every call that has the result in its conversation.
 */
function cutText(text: string, length: number): string {
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}

/**
 * Refuses metadata the tool's output cannot hold: it is returned with every result, so a
 * value that is not a string, a finite number or a boolean (a list, a date, NaN) failed each
 * search that found the document with `tool.invalid_output`, far from where it was given.
 */
function checkMetadata(owner: string, where: string, metadata: unknown): void {
  if (metadata === undefined) return;
  const invalid = (what: string, value: unknown) =>
    new DefinitionError(
      'definition.invalid_option',
      `${owner}: ${what} is ${describeValue(value)}. Give metadata as an object whose values are strings, finite numbers or booleans: it is returned with each result.`,
    );
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw invalid(where, metadata);
  }
  for (const [key, value] of Object.entries(metadata)) {
    const returnable =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!returnable) throw invalid(`${where}.${key}`, value);
  }
}

function checkedDocuments(
  owner: string,
  documents: readonly RetrievalDocument[],
): RetrievalDocument[] {
  const invalid = (why: string) =>
    new DefinitionError('definition.invalid_option', `${owner}: ${why}`);
  if (!Array.isArray(documents)) throw invalid('documents must be an array of { id, text }.');
  const ids = new Set<string>();
  for (const [position, document] of documents.entries()) {
    if (
      typeof document?.id !== 'string' ||
      document.id === '' ||
      typeof document.text !== 'string'
    ) {
      throw invalid(`documents[${position}] needs a non-empty string id and a string text.`);
    }
    if (ids.has(document.id))
      throw invalid(`documents[${position}] repeats the id "${document.id}"; ids must be unique.`);
    ids.add(document.id);
    checkMetadata(owner, `documents[${position}].metadata`, document.metadata);
  }
  // Copies, metadata included: what was checked is what is returned, whatever the caller
  // changes later.
  return documents.map(({ metadata, ...document }) =>
    metadata === undefined ? document : { ...document, metadata: { ...metadata } },
  );
}
