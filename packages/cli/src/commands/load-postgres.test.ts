import { describe, expect, it } from 'vitest';
import { isMissingPackage } from './load-postgres';

/** The error Node gives for importing `name`, whatever it is. */
async function importError(name: string): Promise<unknown> {
  try {
    await import(/* @vite-ignore */ name);
  } catch (error) {
    return error;
  }
  throw new Error(`${name} imported`);
}

describe('isMissingPackage', () => {
  it("tells a package that is not installed from another module's failure", async () => {
    const missing = await importError('@agentchart/not-installed-here');
    // Before: any failure to load @agentchart/postgres was "the store could not be read"
    // (exit 1), a missing install among them, which is a setup step (exit 2).
    expect(isMissingPackage(missing, '@agentchart/not-installed-here')).toBe(true);
    expect(isMissingPackage(missing, '@agentchart/postgres')).toBe(false);
    expect(isMissingPackage(new SyntaxError('Unexpected token'), '@agentchart/postgres')).toBe(
      false,
    );
  });
});
