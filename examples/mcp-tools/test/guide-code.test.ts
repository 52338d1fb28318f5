import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Here, not in src/: it reads the repository's MCP guide, which a copy of the example does
// not have (the tests under src/ travel with the example).
describe('notes agent (MCP guide)', () => {
  it('is the code the MCP guide shows', () => {
    const source = readFileSync(new URL('../src/agent.ts', import.meta.url), 'utf8');
    const guide = readFileSync(
      new URL('../../../docs/guides/mcp-tools.md', import.meta.url),
      'utf8',
    );
    expect(guide).toContain(source);
  });
});
