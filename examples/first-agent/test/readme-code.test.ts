import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Here, not in src/: it reads the repository's README, which a copy of the example does not
// have (the tests under src/ travel with the example).
describe('first agent (README)', () => {
  it('is the code the README shows', () => {
    const source = readFileSync(new URL('../src/agent.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(source);
  });
});
