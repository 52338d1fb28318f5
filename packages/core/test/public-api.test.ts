import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** The names an entry file exports, read from its `export { … }` lists. */
function exportedNames(entry: string): string[] {
  const text = readFileSync(join(here, '../src', entry), 'utf8');
  const names: string[] = [];
  for (const match of text.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part.trim().replace(/^type /, '');
      if (name) names.push(name);
    }
  }
  return names;
}

describe('the public API (issue 9)', () => {
  it('keeps the root entry small: at most 40 names, each listed in docs/reference/public-api.md', () => {
    const names = exportedNames('index.ts');
    expect(names.length).toBeLessThanOrEqual(40);
    const doc = readFileSync(join(here, '../../../docs/reference/public-api.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `(\w+)`/gm)].map((match) => match[1]);
    expect(names.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name) => !names.includes(name!))).toEqual([]);
  });

  it('exports every subpath the package declares, and no root name twice', () => {
    const manifest = JSON.parse(readFileSync(join(here, '../package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string> | string>;
    };
    // Every subpath but the manifest itself, which is a file, not a module of the package.
    const entries = Object.entries(manifest.exports)
      .filter(([subpath]) => subpath !== './package.json')
      .map(([, conditions]) =>
        (conditions as Record<string, string>)['@agentchart/source']!.replace('./src/', ''),
      );
    const root = new Set(exportedNames('index.ts'));
    for (const entry of entries.filter((file) => file !== 'index.ts')) {
      expect(exportedNames(entry).filter((name) => root.has(name))).toEqual([]);
    }
  });
});
