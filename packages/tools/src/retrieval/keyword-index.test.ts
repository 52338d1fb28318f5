import { describe, expect, it } from 'vitest';
import { createKeywordIndex } from './keyword-index';
import { tokenizeText } from './tokenize-text';

describe('tokenizeText', () => {
  it('folds case and accents and splits on anything but letters and digits', () => {
    expect(tokenizeText('Café-au-lait, NAÏVE résumé #42!')).toEqual([
      'cafe',
      'au',
      'lait',
      'naive',
      'resume',
      '42',
    ]);
    expect(tokenizeText('Grüße aus Köln')).toEqual(['gruße', 'aus', 'koln']);
  });
});

describe('createKeywordIndex', () => {
  const index = createKeywordIndex([
    'The refund policy: refunds within 30 days.',
    'Shipping takes 3 to 5 days.',
    'Our office is closed on public holidays.',
    'refund refund refund refund refund refund refund refund refund refund and nothing else at all here',
  ]);

  it('ranks by BM25: rare terms weigh more, repetition saturates, long documents are normalized', () => {
    const results = index.search('refund days', 10);
    expect(results.map((result) => result.index)).toEqual([0, 3, 1]);
    expect(results[0]!.score).toBeGreaterThan(results[1]!.score);
  });

  it('leaves out documents sharing no term and honours the limit', () => {
    expect(index.search('holidays', 10).map((result) => result.index)).toEqual([2]);
    expect(index.search('unrelated words', 10)).toEqual([]);
    expect(index.search('days', 1)).toHaveLength(1);
  });

  it('copes with an empty corpus and an empty query', () => {
    expect(createKeywordIndex([]).search('x', 5)).toEqual([]);
    expect(index.search('!!!', 5)).toEqual([]);
  });
});
