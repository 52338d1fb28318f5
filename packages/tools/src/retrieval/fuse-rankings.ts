import type { ScoredDocument } from './keyword-index';

/** The constant of reciprocal rank fusion: how much the first ranks dominate. */
const rankConstant = 60;

/**
 * Merges rankings by reciprocal rank fusion: a document scores Σ 1 / (60 + rank) over the
 * rankings it appears in. Scores of different kinds (BM25, cosine) never have to be compared,
 * only ranks. Ties keep corpus order.
 */
export function fuseRankings(
  rankings: readonly ScoredDocument[][],
  limit: number,
): ScoredDocument[] {
  const scores = new Map<number, number>();
  for (const ranking of rankings) {
    ranking.forEach(({ index }, rank) => {
      scores.set(index, (scores.get(index) ?? 0) + 1 / (rankConstant + rank + 1));
    });
  }
  return [...scores]
    .map(([index, score]) => ({ index, score }))
    .sort((left, right) => right.score - left.score || left.index - right.index)
    .slice(0, limit);
}
