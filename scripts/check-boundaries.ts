/**
 * @module check-boundaries
 * The package boundaries, read from the TypeScript sources of every workspace package:
 *
 * - `public-entry`: code reaches a package's sources only through an entry the package
 *   exports (`@agentchart/core`, `@agentchart/core/testing`), never `@agentchart/core/src/…`
 *   nor a relative path into its `src`; tests and scripts included, as they use what users
 *   use. A package's test harness (its `test/` folder) may serve other packages' tests and
 *   scripts, never the code a package ships.
 * - `no-examples`: the files a package is built from and ships (everything under `src` but
 *   tests and fixtures) never import `examples/`, which is not published.
 * - `no-cycle`: no cycle of runtime imports among a package's own files (type-only imports
 *   are erased and cannot make one); a cycle makes module order decide what is initialised.
 *
 *   node scripts/check-boundaries.ts     prints each violation; exits 1 if there is one
 */
import { existsSync, globSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { packageEntries, readManifest } from './package-entries.ts';
import { workspaceRoot } from './workspace-packages.ts';

/** One import that crosses a boundary, or one cycle. */
export interface BoundaryViolation {
  rule: 'public-entry' | 'no-examples' | 'no-cycle';
  /** The importing file (the cycle's first file), relative to the workspace root. */
  file: string;
  /** What breaks the rule: the import's specifier, or the cycle's files in order. */
  detail: string;
}

/** An import a file makes. */
interface ImportReference {
  specifier: string;
  /** Erased from the JavaScript: `import type`, `export type`, or a type's `import('…')`. */
  typeOnly: boolean;
}

/** Folders of workspace packages whose sources the rules read. */
const packageGlobs = ['packages/*', 'packages/adapters/*', 'examples/*', 'bench'];
const sourceExtensions = ['.ts', '.tsx', '.mts'];
const testFile = /\.test(-d)?\.tsx?$|(^|\/)__fixtures__\//;

/** The imports and re-exports of a TypeScript file, static and dynamic. */
export function importsOf(path: string): ImportReference[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const found: ImportReference[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnly(node) });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Whether the JavaScript keeps nothing of it. Only `import type` and `export type` qualify:
 * with `verbatimModuleSyntax`, `import { type A } from './a'` still loads `./a`
 * (it becomes `import {} from './a'`).
 */
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  return node.importClause?.isTypeOnly ?? false;
}

/** The file a relative specifier names, as TypeScript's bundler resolution finds it. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    ...sourceExtensions.map((extension) => base + extension),
    base.replace(/\.[cm]?js$/, '.ts'),
    ...sourceExtensions.map((extension) => join(base, `index${extension}`)),
  ];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

interface WorkspaceFolder {
  dir: string;
  name: string;
  /** The subpaths it exports (`.`, `./testing`); none for a package without `exports`. */
  subpaths: Set<string>;
  files: string[];
}

function workspaceFolders(root: string): WorkspaceFolder[] {
  return globSync(
    packageGlobs.map((pattern) => `${pattern}/package.json`),
    { cwd: root },
  ).map((manifestPath) => {
    const dir = join(root, dirname(manifestPath));
    const manifest = readManifest(dir);
    const subpaths = new Set(
      manifest.exports ? packageEntries(dir).map((entry) => entry.subpath) : [],
    );
    const files = globSync(
      ['src', 'test', 'scripts'].flatMap((folder) =>
        sourceExtensions.map((extension) => `${folder}/**/*${extension}`),
      ),
      { cwd: dir },
    )
      .map((file) => join(dir, file))
      .sort();
    return { dir, name: manifest.name, subpaths, files };
  });
}

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith('/');
};

/** Finds every import that breaks a package boundary, and every import cycle. */
export function findBoundaryViolations(root = workspaceRoot): BoundaryViolation[] {
  const folders = workspaceFolders(root);
  const byName = new Map(folders.map((folder) => [folder.name, folder]));
  const examples = join(root, 'examples');
  const packages = join(root, 'packages');
  const violations: BoundaryViolation[] = [];
  const report = (rule: BoundaryViolation['rule'], file: string, detail: string) =>
    violations.push({ rule, file: relative(root, file), detail });

  for (const folder of folders) {
    const isPackage = inside(packages, folder.dir);
    const runtimeGraph = new Map<string, string[]>();
    for (const file of folder.files) {
      const inPackage = relative(folder.dir, file);
      const shipped = isPackage && inPackage.startsWith('src/') && !testFile.test(inPackage);
      const edges: string[] = [];
      for (const { specifier, typeOnly } of importsOf(file)) {
        if (specifier.startsWith('.')) {
          const target = resolveRelative(file, specifier) ?? resolve(dirname(file), specifier);
          if (shipped && inside(examples, target)) report('no-examples', file, specifier);
          const owner = folders.find((other) => inside(other.dir, target));
          if (
            owner &&
            owner !== folder &&
            inside(packages, owner.dir) &&
            (shipped || inside(join(owner.dir, 'src'), target))
          ) {
            report('public-entry', file, `${specifier} (a file of ${owner.name})`);
          }
          if (owner === folder && shipped && !typeOnly && !testFile.test(target)) {
            edges.push(target);
          }
          continue;
        }
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]!;
        const target = byName.get(name);
        if (!target || target === folder) continue;
        if (shipped && inside(examples, target.dir)) {
          report('no-examples', file, specifier);
          continue;
        }
        const subpath = `.${specifier.slice(name.length)}`;
        if (!target.subpaths.has(subpath)) {
          const exported = [...target.subpaths].map((sub) => name + sub.slice(1)).join(', ');
          report('public-entry', file, `${specifier} (${name} exports ${exported || 'nothing'})`);
        }
      }
      if (shipped) runtimeGraph.set(file, edges);
    }
    for (const cycle of findCycles(runtimeGraph)) {
      report(
        'no-cycle',
        cycle[0]!,
        [...cycle, cycle[0]!].map((file) => relative(folder.dir, file)).join(' → '),
      );
    }
  }
  return violations;
}

/** The cycles of a directed graph, one per strongly connected component (Tarjan's algorithm). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;

  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = graph.get(node)?.includes(node) ?? false;
      if (component.length > 1 || selfLoop) cycles.push(orderCycle(component.reverse(), graph));
    }
  };

  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return cycles;
}

/** One cycle through a strongly connected component, starting at its first file by name. */
function orderCycle(component: string[], graph: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  // Breadth-first from start back to start, inside the component: the shortest cycle.
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

if (import.meta.main) {
  const violations = findBoundaryViolations();
  for (const { rule, file, detail } of violations) console.log(`${rule}  ${file}: ${detail}`);
  console.log(`${violations.length} boundary violation${violations.length === 1 ? '' : 's'}`);
  process.exitCode = violations.length > 0 ? 1 : 0;
}
