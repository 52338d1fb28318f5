import type { ScoredDocument } from './keyword-index';
import { RetrievalError } from './retrieval-error';
import type { Embedder } from './types';

/** A cosine-similarity index over a fixed list of texts, embedded on first use. */
export interface VectorIndex {
  search(query: string, limit: number, signal: AbortSignal): Promise<ScoredDocument[]>;
}

/**
 * Builds a vector index: the texts are embedded once, in batches, on the first search (a
 * failed attempt is retried on the next search), and documents are ranked by cosine
 * similarity to the query's embedding. Every vector the embedder returns is checked: one per
 * text, all of the same length, finite numbers.
 */
export function createVectorIndex(
  embedder: Embedder,
  texts: readonly string[],
  batchSize: number,
): VectorIndex {
  let documents: Promise<Float64Array[]> | undefined;
  const embedAll = async (signal: AbortSignal) => {
    const vectors: Float64Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = texts.slice(start, start + batchSize);
      vectors.push(
        ...checked(await embedder.embed(batch, { signal }), batch.length, vectors[0]?.length),
      );
    }
    return vectors;
  };
  return {
    async search(query, limit, signal) {
      documents ??= embedAll(signal).catch((error: unknown) => {
        documents = undefined;
        throw error;
      });
      const vectors = await documents;
      const [queryVector] = checked(
        await embedder.embed([query], { signal }),
        1,
        vectors[0]?.length,
      );
      const queryNorm = norm(queryVector!);
      return vectors
        .map((vector, index) => ({ index, score: cosine(queryVector!, queryNorm, vector) }))
        .sort((left, right) => right.score - left.score || left.index - right.index)
        .slice(0, limit);
    },
  };
}

function checked(
  vectors: unknown,
  expected: number,
  dimensions: number | undefined,
): Float64Array[] {
  const fail = (why: string) =>
    new RetrievalError(
      'retrieval.invalid_embedding',
      `The embedder returned ${why}. It must return one vector per text, in order, all of the same length, of finite numbers.`,
    );
  if (!Array.isArray(vectors) || vectors.length !== expected) {
    throw fail(`${Array.isArray(vectors) ? vectors.length : 'no'} vectors for ${expected} texts`);
  }
  const width = dimensions ?? (vectors[0] as unknown[] | undefined)?.length ?? 0;
  return vectors.map((vector: unknown) => {
    if (!Array.isArray(vector) || vector.length !== width || width === 0) {
      throw fail(
        `a vector of length ${Array.isArray(vector) ? vector.length : 'none'} where ${width || 'a non-empty one'} was expected`,
      );
    }
    if (!vector.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      throw fail('a vector with a value that is not a finite number');
    }
    return Float64Array.from(vector as number[]);
  });
}

function norm(vector: Float64Array): number {
  let sum = 0;
  for (const value of vector) sum += value * value;
  return Math.sqrt(sum);
}

function cosine(query: Float64Array, queryNorm: number, vector: Float64Array): number {
  let dot = 0;
  for (let i = 0; i < query.length; i++) dot += query[i]! * vector[i]!;
  const denominator = queryNorm * norm(vector);
  return denominator === 0 ? 0 : dot / denominator;
}
