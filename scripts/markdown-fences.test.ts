/**
 * Every Markdown file the project ships or links (docs/, the README, the packages' and the
 * examples' READMEs) opens and closes its code blocks on lines of their own. A fence glued to
 * code (`}```) or opened with four backticks swallows the rest of the page when rendered, and
 * hides a guide's excerpt from its check (see docs-code-blocks.test.ts). The guides' blocks
 * are checked further there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

function markdownUnder(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) found.push(...markdownUnder(path));
    else if (name.endsWith('.md')) found.push(path);
  }
  return found;
}

const readmes = ['packages', 'packages/adapters', 'examples'].flatMap((folder) =>
  readdirSync(join(root, folder))
    .map((name) => join(root, folder, name, 'README.md'))
    .filter((path) => existsSync(path)),
);
const documents = [join(root, 'README.md'), ...markdownUnder(join(root, 'docs')), ...readmes];

/** The fence problems of one Markdown text, as `line N: what`. */
function fenceProblems(text: string): string[] {
  const problems: string[] = [];
  let open: number | undefined;
  for (const [index, line] of text.split('\n').entries()) {
    const at = line.indexOf('```');
    if (at === -1) continue;
    const number = index + 1;
    const trimmed = line.trim();
    const fence = /^```[\w-]*$/.test(trimmed);
    if (open === undefined) {
      // Inline code that quotes backticks (``` `` ```) stays on its line.
      if (!fence) {
        if (/^\s*```/.test(line))
          problems.push(`line ${number}: a fence opens with text after its language`);
        continue;
      }
      open = number;
    } else {
      if (trimmed !== '```') {
        problems.push(
          `line ${number}: the block opened at line ${open} closes on a line with code`,
        );
      }
      open = undefined;
    }
  }
  if (open !== undefined) problems.push(`line ${open}: a block is opened and never closed`);
  return problems;
}

describe('Markdown code fences', () => {
  it('finds the documents', () => {
    expect(documents.length).toBeGreaterThan(20);
  });

  it('tells a fence glued to code or never closed', () => {
    expect(fenceProblems('```ts\nconst a = 1;}```\ntext\n')).toEqual([
      'line 2: the block opened at line 1 closes on a line with code',
    ]);
    expect(fenceProblems('````ts\ncode\n```\n')).toEqual([
      'line 1: a fence opens with text after its language',
      'line 3: a block is opened and never closed',
    ]);
    expect(fenceProblems('```sh\nls\n')).toEqual(['line 1: a block is opened and never closed']);
    expect(fenceProblems('text with ``` `x` ``` inline\n```ts\nok\n```\n')).toEqual([]);
  });

  for (const path of documents) {
    it(`${relative(root, path)} opens and closes its code blocks on lines of their own`, () => {
      expect(fenceProblems(readFileSync(path, 'utf8'))).toEqual([]);
    });
  }
});
