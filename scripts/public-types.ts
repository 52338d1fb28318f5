/**
 * @module public-types
 * Finds the types a package's public signatures mention that no public entry lets a user
 * name. A library that exports `toolLoop(...)` or `agent.events` has its declarations written
 * by TypeScript, which must print each type of them by a name the library's users can import:
 * a type only `/internal` exports is printed as `import("@agentchart/core/internal").X` (an
 * entry that may change between minor versions, now in the user's published types), and one
 * no entry exports fails with TS2883 ("cannot be named without a reference to … dist/<chunk>").
 * TypeScript finds names only through entries in the user's program, so the rule checked here
 * (ADRs 0093 and 0099) is: every type of a package reachable from an entry's exports — its
 * functions' parameters and results, its interfaces' and classes' members, and so on through
 * the types those mention — is exported from that entry or from the package's root entry,
 * not from a sibling subpath the user's program may never import; another package's type,
 * from one of that package's public entries.
 *
 *   node scripts/public-types.ts   prints what each package's public entries leave unnamed
 */
import { join, relative } from 'node:path';
import ts from 'typescript';
import { packageEntries } from './package-entries.ts';
import { publishablePackages, type WorkspacePackage, workspaceRoot } from './workspace-packages.ts';

/** A type a public entry's exports reach that neither the entry nor its root exports. */
export interface UnnamedType {
  /** The entry whose exports reach it: `@agentchart/core/budget`. */
  entry: string;
  /** The type's name. */
  name: string;
  /** Where it is declared, relative to the workspace: `packages/core/src/ledger/types.ts`. */
  declaredIn: string;
  /** The export it was reached from, and the types between: `toolLoop → ToolLoopResult`. */
  via: string;
}

/** Entries that are not part of the public API: what they mention is not checked. */
const unstableSubpaths = new Set(['./internal']);

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  customConditions: ['@agentchart/source'],
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
};

/**
 * Every type the public entries of `packages` reach but do not export (see the module's
 * comment), sorted by entry and name. One program over all of their entries' sources.
 */
export function unnamedTypes(packages: WorkspacePackage[] = publishablePackages()): UnnamedType[] {
  const entries = packages.flatMap((pkg) =>
    packageEntries(pkg.dir).map((entry) => ({
      pkg,
      subpath: entry.subpath,
      file: join(pkg.dir, entry.source),
    })),
  );
  const program = ts.createProgram(
    entries.map((entry) => entry.file),
    compilerOptions,
  );
  const checker = program.getTypeChecker();
  const exportsOf = (file: string): Set<ts.Symbol> => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!);
    return new Set((module ? checker.getExportsOfModule(module) : []).map(resolved));
  };
  function resolved(symbol: ts.Symbol): ts.Symbol {
    return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  }

  /** What each package's public entries export, together: another package's types must be in one. */
  const publicExports = new Map<WorkspacePackage, Set<ts.Symbol>>();
  for (const entry of entries.filter((candidate) => !unstableSubpaths.has(candidate.subpath))) {
    const named = publicExports.get(entry.pkg) ?? new Set();
    for (const symbol of exportsOf(entry.file)) named.add(symbol);
    publicExports.set(entry.pkg, named);
  }
  const packageOf = (file: string) =>
    packages.find((pkg) => file.startsWith(`${join(pkg.dir, 'src')}/`));

  const found: UnnamedType[] = [];
  for (const entry of entries.filter((candidate) => !unstableSubpaths.has(candidate.subpath))) {
    const root = entries.find((other) => other.pkg === entry.pkg && other.subpath === '.');
    const ownNames = new Set([...exportsOf(entry.file), ...(root ? exportsOf(root.file) : [])]);
    const isNamed = (symbol: ts.Symbol) => {
      const owner = packageOf(symbol.declarations![0]!.getSourceFile().fileName);
      // Another package's type: that package's declarations import the entry that exports
      // it, which puts the entry in the user's program.
      if (owner !== entry.pkg) return publicExports.get(owner!)!.has(symbol);
      // Ours: a sibling subpath does not count. A library that returns `store.listRuns()`
      // need not import `/run-log`, and TypeScript names `RunSummary` only through an entry
      // in its program (ADR 0099).
      return ownNames.has(symbol);
    };
    const reached = reachableTypes(
      checker,
      exportsOf(entry.file),
      isNamed,
      (file) => packageOf(file) !== undefined,
    );
    for (const [symbol, via] of reached) {
      found.push({
        entry: entry.pkg.manifest.name + entry.subpath.slice(1),
        name: symbol.name,
        declaredIn: relative(workspaceRoot, symbol.declarations![0]!.getSourceFile().fileName),
        via,
      });
    }
  }
  return found.sort((a, b) => `${a.entry} ${a.name}`.localeCompare(`${b.entry} ${b.name}`));
}

const namedDeclaration =
  ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Enum;

/**
 * The named types (interfaces, classes, type aliases, enums) declared in files `ours` accepts
 * that `exports` reach, each with the path it was reached by. Declarations are read as
 * written (type annotations, heritage clauses); where a signature leaves a type to inference
 * (a function's result, a constant), the inferred type is walked instead.
 */
function reachableTypes(
  checker: ts.TypeChecker,
  exports: Set<ts.Symbol>,
  isNamed: (symbol: ts.Symbol) => boolean,
  ours: (file: string) => boolean,
): Map<ts.Symbol, string> {
  const reached = new Map<ts.Symbol, string>();
  const pending: [ts.Symbol, string][] = [...exports].map((symbol) => [symbol, symbol.name]);
  const seenTypes = new Set<ts.Type>();

  const isOurs = (symbol: ts.Symbol) =>
    symbol.declarations?.some((declaration) => ours(declaration.getSourceFile().fileName)) === true;
  const mention = (symbol: ts.Symbol | undefined, via: string) => {
    if (!symbol) return;
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (!(target.flags & namedDeclaration) || !isOurs(target) || reached.has(target)) return;
    if (isNamed(target)) return;
    const path = `${via} → ${target.name}`;
    reached.set(target, path);
    pending.push([target, path]);
  };

  /** An inferred type: the names it is printed with, and the insides of anonymous ones. */
  const walkType = (type: ts.Type, via: string, depth = 0): void => {
    if (depth > 6 || seenTypes.has(type)) return;
    seenTypes.add(type);
    if (type.aliasSymbol) {
      mention(type.aliasSymbol, via);
      for (const argument of type.aliasTypeArguments ?? []) walkType(argument, via, depth + 1);
      return;
    }
    if (type.isUnionOrIntersection()) {
      for (const part of type.types) walkType(part, via, depth + 1);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    const symbol = type.getSymbol();
    if (symbol && symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
      mention(symbol, via);
      for (const argument of checker.getTypeArguments(type as ts.TypeReference))
        walkType(argument, via, depth + 1);
      return;
    }
    // Anonymous: a function type, an object literal type, a mapped type's result.
    for (const property of type.getProperties()) {
      const declaration = property.valueDeclaration;
      if (declaration)
        walkType(checker.getTypeOfSymbolAtLocation(property, declaration), via, depth + 1);
    }
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      for (const parameter of signature.parameters) {
        walkType(checker.getTypeOfSymbol(parameter), via, depth + 1);
      }
      walkType(signature.getReturnType(), via, depth + 1);
    }
  };

  /** A declaration as written: every type it names, and what it leaves to inference. */
  const walkNode = (node: ts.Node, via: string): void => {
    if (ts.isBlock(node) || isHidden(node)) return;
    if (ts.isTypeReferenceNode(node)) {
      mention(checker.getSymbolAtLocation(node.typeName), via);
    } else if (ts.isExpressionWithTypeArguments(node)) {
      mention(checker.getSymbolAtLocation(node.expression), via);
    } else if (ts.isTypeQueryNode(node)) {
      const symbol = checker.getSymbolAtLocation(node.exprName);
      if (symbol) walkType(checker.getTypeOfSymbol(symbol), via);
    }
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isGetAccessorDeclaration(node)) &&
      !node.type
    ) {
      const signature = checker.getSignatureFromDeclaration(node);
      if (signature) walkType(signature.getReturnType(), via);
    }
    if ((ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) && !node.type) {
      walkType(checker.getTypeAtLocation(node.name), via);
      return; // the initializer is code, not a signature
    }
    if (ts.isParameter(node) && !node.type) walkType(checker.getTypeAtLocation(node), via);
    ts.forEachChild(node, (child) => walkNode(child, via));
  };

  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [symbol, via] = next;
    for (const declaration of symbol.declarations ?? []) {
      if (ts.isExportAssignment(declaration) || !ours(declaration.getSourceFile().fileName)) {
        continue;
      }
      walkNode(declaration, via);
    }
  }
  return reached;
}

/** A class member users cannot reach, or a function's body: not part of any signature. */
function isHidden(node: ts.Node): boolean {
  if (ts.isClassElement(node) && node.name && ts.isPrivateIdentifier(node.name)) return true;
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return (
    modifiers?.some(
      (modifier) =>
        modifier.kind === ts.SyntaxKind.PrivateKeyword ||
        modifier.kind === ts.SyntaxKind.ProtectedKeyword,
    ) === true
  );
}

if (import.meta.main) {
  const found = unnamedTypes();
  for (const type of found) {
    console.log(`${type.entry}\t${type.name}\t${type.declaredIn}\t${type.via}`);
  }
  console.log(`${found.length} unnamed`);
  process.exitCode = found.length > 0 ? 1 : 0;
}
