/**
 * Orders items so the most relevant sit at the start and the end and the least relevant in
 * the middle, where long-context models attend least ("lost in the middle", Liu et al.
 * 2023): ranks 1, 3, 5 … from the front, 2, 4, 6 … from the back. Stable for equal ranks.
 */
export function placeAtEdges<T>(items: readonly T[], rankOf: (item: T) => number): T[] {
  const byRank = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rankOf(b.item) - rankOf(a.item) || a.index - b.index);
  const front: T[] = [];
  const back: T[] = [];
  byRank.forEach(({ item }, position) => {
    if (position % 2 === 0) front.push(item);
    else back.push(item);
  });
  return [...front, ...back.reverse()];
}
