/**
 * @module typecheck-exact-optional
 * Type-checks the `*.exact.test-d.ts` files with `exactOptionalPropertyTypes: true`, the strict
 * setting many users compile with. Under it `openAIChatModel({ baseURL: process.env.URL })`
 * is refused unless the option's type says `| undefined`; these files pass `undefined` to the
 * options of every package, so an option that loses its `| undefined` fails here.
 *
 * Only those files are checked with the setting: the packages' own sources are written
 * without it, and it changes nothing in the types they declare.
 *
 *   node scripts/typecheck-exact-optional.ts   prints each error; exits 1 if there is one
 */
import { globSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { workspaceRoot } from './workspace-packages.ts';

const files = globSync('packages/**/src/**/*.exact.test-d.ts', {
  cwd: workspaceRoot,
  exclude: (path) => path.includes('node_modules'),
}).map((file) => join(workspaceRoot, file));
if (files.length === 0) {
  console.error('typecheck-exact-optional: no *.exact.test-d.ts file found under packages/.');
  process.exit(1);
}

const config = ts.getParsedCommandLineOfConfigFile(
  join(workspaceRoot, 'tsconfig.json'),
  undefined,
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  },
);
const program = ts.createProgram(files, {
  ...config!.options,
  exactOptionalPropertyTypes: true,
  noEmit: true,
});
// The files' own errors only: the sources they import are checked by `tsc -p tsconfig.json`.
const diagnostics = [
  ...program.getOptionsDiagnostics(),
  ...files.flatMap((file) => {
    const source = program.getSourceFile(file)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  }),
];
if (diagnostics.length > 0) {
  console.error(
    ts.formatDiagnosticsWithColorAndContext(diagnostics, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => workspaceRoot,
      getNewLine: () => '\n',
    }),
  );
  console.error(
    `typecheck-exact-optional: ${diagnostics.length} error(s) with exactOptionalPropertyTypes: true. An option a user passes takes \`| undefined\` (its code treats undefined as the option left out).`,
  );
  process.exit(1);
}
console.log(
  `typecheck-exact-optional: ${files.length} files pass with exactOptionalPropertyTypes.`,
);
