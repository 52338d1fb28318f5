import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from './describe-issues';

describe('describeIssues', () => {
  it('names each path and what is wrong there, never the value', () => {
    const parsed = z
      .object({ approved: z.boolean(), reason: z.string() })
      .safeParse({ approved: 'sk-secret-value', reason: 3 });
    expect(parsed.success).toBe(false);
    const text = describeIssues(parsed.error!.issues);
    expect(text).toMatch(/^approved: .*expected boolean.*; reason: .*expected string/);
    expect(text).not.toContain('sk-secret-value');
  });

  it('says how many issues it left out', () => {
    const parsed = z.array(z.number()).safeParse(['a', 'b', 'c']);
    expect(describeIssues(parsed.error!.issues, 2)).toMatch(/^0: .*; 1: .*; and 1 more$/);
  });
});
