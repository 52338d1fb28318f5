import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Fails a test that prints to the console unexpectedly (as zod's suite does): output a
 * user would see is behaviour, so a test that expects it must stub it explicitly.
 */
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let printed: string[] = [];

beforeEach(() => {
  printed = [];
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(`console.${method}: ${args.map(String).join(' ')}`);
    });
  }
});

afterEach(() => {
  const unexpected = printed;
  printed = [];
  vi.restoreAllMocks();
  if (unexpected.length > 0) {
    throw new Error(`unexpected console output:\n${unexpected.join('\n')}`);
  }
});
