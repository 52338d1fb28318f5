import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** One name an entry file exports, and whether it is a type only. */
interface ExportedName {
  name: string;
  typeOnly: boolean;
}

/** The names an entry file exports, read from its `export { … }` lists. */
function exportedNames(entry: string): ExportedName[] {
  const text = readFileSync(join(here, '../src', entry), 'utf8');
  const names: ExportedName[] = [];
  for (const match of text.matchAll(/export (type )?\{([^}]*)\}/g)) {
    for (const part of match[2]!.split(',')) {
      const name = part.trim().replace(/^type /, '');
      if (name) names.push({ name, typeOnly: match[1] !== undefined || /^\s*type /.test(part) });
    }
  }
  return names;
}

/** Every entry the package declares, as its source file under `src/`. */
function entryFiles(): string[] {
  const manifest = JSON.parse(readFileSync(join(here, '../package.json'), 'utf8')) as {
    exports: Record<string, Record<string, string> | string>;
  };
  // Every subpath but the manifest itself, which is a file, not a module of the package.
  return Object.entries(manifest.exports)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([, conditions]) =>
      (conditions as Record<string, string>)['@agentchart/source']!.replace('./src/', ''),
    );
}

describe('the public API (issue 9, ADR 0093)', () => {
  const root = exportedNames('index.ts');
  const doc = readFileSync(join(here, '../../../docs/reference/public-api.md'), 'utf8');
  const rootSection = doc.slice(0, doc.indexOf('\n## Subpaths'));

  it('keeps the root entry small: at most 25 values, each a row of docs/reference/public-api.md', () => {
    const values = root.filter((name) => !name.typeOnly).map((name) => name.name);
    expect(values.length).toBeLessThanOrEqual(25);
    const documented = [...rootSection.matchAll(/^\| `(\w+)`/gm)].map((match) => match[1]!);
    expect(values.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name) => !values.includes(name))).toEqual([]);
  });

  it('names only methods RunEvents has in its row', async () => {
    // The row offered `once` and `off`, which agent.events never had: `on` returns the remover.
    const row = /^\| `RunEvents` +\|(.*)\|$/m.exec(rootSection)![1]!;
    const methods = [...row.matchAll(/`(\w+)(?:`|\()/g)].map((match) => match[1]!);
    const { RunEvents } = await import('../src/index');
    const prototype = RunEvents.prototype as unknown as Record<string, unknown>;
    expect(methods.filter((name) => typeof prototype[name] !== 'function')).toEqual([]);
  });

  it('names every type of the root entry in docs/reference/public-api.md', () => {
    // Types are not capped: each one a root signature reaches is exported (ADR 0093).
    const named = new Set([...rootSection.matchAll(/`(\w+)`/g)].map((match) => match[1]!));
    const types = root.filter((name) => name.typeOnly).map((name) => name.name);
    expect(types.filter((name) => !named.has(name))).toEqual([]);
  });

  it('exports every subpath the package declares, and no name from two entries', () => {
    const owners = new Map<string, string[]>();
    for (const entry of entryFiles()) {
      for (const { name } of exportedNames(entry)) {
        owners.set(name, [...(owners.get(name) ?? []), entry]);
      }
    }
    expect([...owners].filter(([, entries]) => entries.length > 1)).toEqual([]);
  });
});
