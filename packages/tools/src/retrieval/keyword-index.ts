import { tokenizeText } from './tokenize-text';

/** A document's position in the corpus and its score for a query. */
export interface ScoredDocument {
  index: number;
  score: number;
}

/** A BM25 index over a fixed list of texts. */
export interface KeywordIndex {
  /** The best `limit` documents for `query`, highest score first; documents sharing no term are left out. */
  search(query: string, limit: number): ScoredDocument[];
}

/** BM25's usual parameters: term-frequency saturation and length normalization. */
const k1 = 1.2;
const b = 0.75;

/**
 * Builds an Okapi BM25 index: a term scores by how rare it is across the corpus (its inverse
 * document frequency) and how often it appears in a document, saturating with repetition and
 * normalized by the document's length. Ties keep corpus order.
 */
export function createKeywordIndex(texts: readonly string[]): KeywordIndex {
  const postings = new Map<string, Map<number, number>>();
  const lengths = texts.map((text, index) => {
    const terms = tokenizeText(text);
    for (const term of terms) {
      const posting = postings.get(term) ?? new Map<number, number>();
      postings.set(term, posting);
      posting.set(index, (posting.get(index) ?? 0) + 1);
    }
    return terms.length;
  });
  const count = texts.length;
  const averageLength = lengths.reduce((sum, length) => sum + length, 0) / Math.max(count, 1) || 1;
  return {
    search(query, limit) {
      const scores = new Map<number, number>();
      for (const term of new Set(tokenizeText(query))) {
        const posting = postings.get(term);
        if (!posting) continue;
        const idf = Math.log(1 + (count - posting.size + 0.5) / (posting.size + 0.5));
        for (const [index, frequency] of posting) {
          const norm = k1 * (1 - b + (b * lengths[index]!) / averageLength);
          const score = (idf * frequency * (k1 + 1)) / (frequency + norm);
          scores.set(index, (scores.get(index) ?? 0) + score);
        }
      }
      return [...scores]
        .map(([index, score]) => ({ index, score }))
        .sort((left, right) => right.score - left.score || left.index - right.index)
        .slice(0, limit);
    },
  };
}
