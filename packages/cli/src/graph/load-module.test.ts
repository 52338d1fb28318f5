import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importModule } from './load-module';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A TypeScript module in a package of its own, with the package.json given. */
function moduleIn(packageJson: Record<string, unknown>): string {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-load-module-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
  const file = join(dir, 'suite.ts');
  writeFileSync(file, "export const named = 1;\nexport default { kind: 'suite' };\n");
  return file;
}

describe('importModule', () => {
  it('gives a TypeScript file of a CommonJS package its default and named exports as an ES module has them', async () => {
    const loaded = await importModule(moduleIn({ name: 'no-type' }));
    // Before: `default` was the whole module.exports, the file's default one level down, so
    // `agentchart eval` said the file exported no eval suite.
    expect(loaded.default).toEqual({ kind: 'suite' });
    expect(loaded.named).toBe(1);
  });

  it('loads a TypeScript file of an ES module package as it is', async () => {
    const loaded = await importModule(moduleIn({ name: 'esm', type: 'module' }));
    expect(loaded.default).toEqual({ kind: 'suite' });
    expect(loaded.named).toBe(1);
  });
});
