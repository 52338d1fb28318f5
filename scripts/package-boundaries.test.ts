import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BoundaryViolation, findBoundaryViolations } from './check-boundaries.ts';

/**
 * Violations known when a rule is introduced, each removed by the change that fixes it: the
 * test below fails once an entry matches nothing, so none outlives its fix. Empty: the one
 * found first (the crash harness's tender scenario in core's src, issue 9) moved to test/.
 */
const allowed: Pick<BoundaryViolation, 'rule' | 'file'>[] = [];

const isAllowed = (violation: BoundaryViolation) =>
  allowed.some((entry) => entry.rule === violation.rule && entry.file === violation.file);

describe('package boundaries', () => {
  const violations = findBoundaryViolations();

  it('finds no import across a package boundary, of examples from src, or in a cycle', () => {
    expect(violations.filter((violation) => !isAllowed(violation))).toEqual([]);
  });

  it.skipIf(allowed.length === 0).each(allowed)(
    'still needs its allow-list entry for $rule in $file',
    (entry) => {
      expect(violations).toContainEqual(expect.objectContaining(entry));
    },
  );
});

describe('findBoundaryViolations', () => {
  const root = mkdtempSync(join(tmpdir(), 'agentchart-boundaries-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const entry = (path: string) => ({
    '@agentchart/source': `./src/${path}.ts`,
    types: `./dist/${path}.d.mts`,
    default: `./dist/${path}.mjs`,
  });
  write(
    'packages/core/package.json',
    JSON.stringify({
      name: '@agentchart/core',
      version: '0.0.0',
      exports: { '.': entry('index'), './testing': entry('testing/index') },
    }),
  );
  write('packages/core/src/index.ts', "export { a } from './a';\n");
  write('packages/core/src/testing/index.ts', 'export const testing = 1;\n');
  write('packages/core/src/internal.ts', 'export const internal = 1;\n');
  write('packages/core/src/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
  write('packages/core/src/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
  write('packages/core/src/c.ts', "import type { D } from './d';\nexport type C = D;\n");
  write('packages/core/src/d.ts', "import { type C } from './c';\nexport type D = C | 1;\n");
  write('packages/core/src/demo.ts', "export { x } from '../../../examples/demo/src/x';\n");
  write('packages/core/src/demo.test.ts', "import { x } from '../../../examples/demo/src/x';\n");
  write(
    'packages/adapters/x/package.json',
    JSON.stringify({ name: '@agentchart/x', version: '0.0.0', exports: { '.': entry('index') } }),
  );
  write(
    'packages/adapters/x/src/index.ts',
    [
      "import { a } from '@agentchart/core';",
      "import { testing } from '@agentchart/core/testing';",
      "import { internal } from '@agentchart/core/src/internal';",
      "import { internal as again } from '../../../core/src/internal';",
      "const later = () => import('@agentchart/core/internal');",
      '',
    ].join('\n'),
  );
  write('packages/adapters/x/src/index.test.ts', "import '@agentchart/core/src/internal';\n");
  write('packages/core/test/harness.ts', 'export const harness = 1;\n');
  write(
    'packages/adapters/x/test/x.test.ts',
    "import { harness } from '../../../core/test/harness';\nimport '../../../core/src/internal';\n",
  );
  write('packages/adapters/x/src/shipped.ts', "import '../../../core/test/harness';\n");
  write(
    'examples/demo/package.json',
    JSON.stringify({ name: '@agentchart/example-demo', version: '0.0.0', private: true }),
  );
  write('examples/demo/src/x.ts', "import { a } from '@agentchart/core';\nexport const x = a;\n");

  it('reports deep and relative imports into another package, examples in shipped src, and runtime cycles', () => {
    const exports = '@agentchart/core exports @agentchart/core, @agentchart/core/testing';
    expect(findBoundaryViolations(root)).toEqual(
      expect.arrayContaining([
        {
          rule: 'public-entry',
          file: 'packages/adapters/x/src/index.ts',
          detail: `@agentchart/core/src/internal (${exports})`,
        },
        {
          rule: 'public-entry',
          file: 'packages/adapters/x/src/index.ts',
          detail: '../../../core/src/internal (a file of @agentchart/core)',
        },
        {
          rule: 'public-entry',
          file: 'packages/adapters/x/src/index.ts',
          detail: `@agentchart/core/internal (${exports})`,
        },
        {
          rule: 'public-entry',
          file: 'packages/adapters/x/src/index.test.ts',
          detail: `@agentchart/core/src/internal (${exports})`,
        },
        {
          rule: 'public-entry',
          file: 'packages/adapters/x/test/x.test.ts',
          detail: '../../../core/src/internal (a file of @agentchart/core)',
        },
        {
          rule: 'public-entry',
          file: 'packages/adapters/x/src/shipped.ts',
          detail: '../../../core/test/harness (a file of @agentchart/core)',
        },
        {
          rule: 'no-examples',
          file: 'packages/core/src/demo.ts',
          detail: '../../../examples/demo/src/x',
        },
        {
          rule: 'no-cycle',
          file: 'packages/core/src/a.ts',
          detail: 'src/a.ts → src/b.ts → src/a.ts',
        },
      ]),
    );
    // Allowed: a test using an example or core's test harness, an example using core, and a
    // cycle closed by an `import type`.
    expect(findBoundaryViolations(root)).toHaveLength(8);
  });
});
