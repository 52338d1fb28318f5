/**
 * Every code block of the guides (docs/guides) and of the examples' READMEs is checked:
 * - a `ts` block is an excerpt of a type-checked file, named by the comment before it
 *   (`<!-- excerpt: examples/…/file.ts -->`), which must hold the same code token for token
 *   (the formatter reflows a quote to its new indentation); a `jsonl` block is lines of the
 *   data file it names;
 * - an `sh` block holds only commands this repository runs: `./run <script>` of the root
 *   package.json (the examples those scripts start are run by their own tests), `./run
 *   agentchart <command>` with files that exist, `npm install` of this workspace's packages
 *   and their peers;
 * - any other kind of block is refused.
 * Links must point at files inside the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const documents = [
  ...readdirSync(join(root, 'docs/guides'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/guides/${name}`),
  ...readdirSync(join(root, 'examples'))
    .map((name) => `examples/${name}/README.md`)
    .filter((path) => existsSync(join(root, path))),
];

const rootScripts = Object.keys(
  (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
);
/** Package names a guide may tell users to install: the workspace's, and their peers. */
const installable = new Set(['xstate', 'zod']);
for (const folder of ['packages', 'packages/adapters']) {
  for (const name of readdirSync(join(root, folder))) {
    const manifest = join(root, folder, name, 'package.json');
    if (existsSync(manifest))
      installable.add((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name);
  }
}
const cliCommands = ['graph', 'runs', 'show', 'eval', 'studio'];
/** Where the type check (tsconfig.json) reads TypeScript from. */
const typeChecked =
  /^(examples\/[^/]+\/(src|test)|packages\/[^/]+\/(src|test)|packages\/adapters\/[^/]+\/(src|test|examples))\//;

interface Block {
  lang: string;
  code: string;
  excerpt: string | undefined;
  line: number;
}

function blocks(text: string): Block[] {
  const found: Block[] = [];
  const fence = /(?:<!-- excerpt: (\S+) -->\n)?```(\w*)\n([\s\S]*?)```/g;
  for (const match of text.matchAll(fence)) {
    found.push({
      excerpt: match[1],
      lang: match[2] ?? '',
      code: match[3] ?? '',
      line: text.slice(0, match.index).split('\n').length,
    });
  }
  return found;
}

/**
 * The code's tokens as a formatter may lay them out: without whitespace and without a comma
 * before a closing bracket. The formatter reflows a dedented excerpt to the line width, so
 * a quote is compared token for token, not line for line.
 */
function tokens(code: string): string {
  return code.replace(/\s+/g, '').replace(/,(?=[)\]}])/g, '');
}

/** True when the block is a piece of the file, token for token. */
function isExcerptOf(source: string, code: string): boolean {
  // A quote of a member ends with the comma that separates it from the next one.
  const quoted = tokens(code).replace(/,$/, '');
  return quoted.length > 0 && tokens(source).includes(quoted);
}

/** What is wrong with one line of an `sh` block, if anything. */
function shellProblem(line: string): string | undefined {
  const words = line.replace(/^(\s*[A-Z_]+=\S+\s+)+/, '').match(/"[^"]*"|\S+/g) ?? [];
  const [program, first, second, ...rest] = words;
  if (program === 'npm' && first === 'install') {
    const unknown = [second, ...rest].filter(
      (name) => name && !name.startsWith('-') && !installable.has(name),
    );
    return unknown.length
      ? `installs ${unknown.join(', ')}, not a package of this workspace`
      : undefined;
  }
  if (program !== './run') return `runs ${program}, which the checks do not know`;
  if (!first || !rootScripts.includes(first))
    return `runs the script "${first}", which package.json does not have`;
  if (first === 'agentchart' && !cliCommands.includes(second ?? ''))
    return `runs "agentchart ${second}", not a command`;
  // Files a command writes (a run database) need not exist before it runs.
  const missing = words.filter(
    (word) =>
      /^(examples|packages|docs)\/\S+\.\w+$/.test(word) &&
      !word.includes('/.agentchart/') &&
      !existsSync(join(root, word)),
  );
  return missing.length ? `names ${missing.join(', ')}, which does not exist` : undefined;
}

describe('code blocks of the guides and the examples', () => {
  it('finds the guides', () => {
    expect(documents).toEqual(
      expect.arrayContaining([
        'docs/guides/install.md',
        'docs/guides/first-agent.md',
        'docs/guides/custom-tools.md',
        'docs/guides/human-in-the-loop.md',
        'docs/guides/real-models.md',
        'docs/guides/postgres.md',
        'docs/guides/evals.md',
        'docs/guides/testing.md',
      ]),
    );
  });

  for (const document of documents) {
    it(`checks every block of ${document}`, () => {
      const problems: string[] = [];
      for (const block of blocks(read(document))) {
        const where = `${document}:${block.line}`;
        if (block.lang === 'ts' || block.lang === 'jsonl') {
          if (!block.excerpt) {
            problems.push(
              `${where}: a ${block.lang} block without an <!-- excerpt: file --> comment`,
            );
          } else if (!existsSync(join(root, block.excerpt))) {
            problems.push(`${where}: ${block.excerpt} does not exist`);
          } else if (block.lang === 'ts' && !typeChecked.test(block.excerpt)) {
            problems.push(`${where}: ${block.excerpt} is not in the type check`);
          } else if (!isExcerptOf(read(block.excerpt), block.code)) {
            problems.push(`${where}: the block is not as it is in ${block.excerpt}`);
          }
        } else if (block.lang === 'sh') {
          for (const line of block.code.split('\n')) {
            const command = line.replace(/\s+#.*$/, '').trim();
            if (!command) continue;
            const problem = shellProblem(command);
            if (problem) problems.push(`${where}: "${command}" ${problem}`);
          }
        } else {
          problems.push(
            `${where}: a "${block.lang || 'plain'}" block nothing checks; use ts or jsonl with an excerpt comment, or sh`,
          );
        }
      }
      expect(problems).toEqual([]);
    });

    it(`links ${document} only to files inside the repository`, () => {
      const text = read(document);
      const problems: string[] = [];
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:)/.test(target)) continue;
        const path = resolve(dirname(join(root, document)), target.replace(/#.*$/, ''));
        if (relative(root, path).startsWith('..') || !existsSync(path)) problems.push(target);
      }
      expect(problems).toEqual([]);
      expect(text).not.toMatch(/\/work\/|file:\/\//);
    });
  }
});
