import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../../', import.meta.url);
const guide = 'docs/migrating-from-langgraph.md';

/** The guide's code blocks marked `<!-- excerpt: path -->`, with the file each comes from. */
function excerpts(): { path: string; code: string }[] {
  const text = readFileSync(new URL(guide, root), 'utf8');
  const marked = /<!-- excerpt: (\S+) -->\n```ts\n([\s\S]*?)```/g;
  return [...text.matchAll(marked)].map(([, path = '', code = '']) => ({ path, code }));
}

/** True when `code`'s lines appear in `source` one after another, all indented alike. */
function containsDedented(source: string, code: string): boolean {
  const wanted = code.replace(/\n$/, '').split('\n');
  const lines = source.split('\n');
  for (let start = 0; start < lines.length; start++) {
    const first = lines[start] ?? '';
    if (!first.endsWith(wanted[0] ?? '')) continue;
    const indent = first.slice(0, first.length - (wanted[0] ?? '').length);
    if (indent.trim() !== '') continue;
    const fits = wanted.every((line, offset) => {
      const actual = lines[start + offset];
      return line === '' ? actual?.trim() === '' : actual === indent + line;
    });
    if (fits) return true;
  }
  return false;
}

describe(guide, () => {
  const blocks = excerpts();

  it('has excerpts of the example files', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('fences every code block with three backticks on a line of its own', () => {
    // A fence of four, or one closed at the end of a line of code, swallows the prose up to
    // the next matching fence when rendered, and hides the excerpt from the check above.
    const text = readFileSync(new URL(guide, root), 'utf8');
    const badFences = text
      .split('\n')
      .map((line, index) => ({ line: index + 1, text: line }))
      .filter(({ text: line }) => line.includes('```') && !/^```\w*$/.test(line));
    expect(badFences).toEqual([]);
  });

  for (const [index, { path, code }] of blocks.entries()) {
    it(`shows code as it is in ${path} (excerpt ${index + 1})`, () => {
      const source = readFileSync(new URL(path, root), 'utf8');
      expect(containsDedented(source, code)).toBe(true);
    });
  }
});
