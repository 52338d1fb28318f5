import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Fails a test that prints to the console unexpectedly (as zod's suite does): output a
 * user would see is behaviour, so a test that expects it must stub it explicitly.
 */
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let printed: string[] = [];

/**
 * agentchart's own process warnings (`AGENTCHART_*`: a model with no price, an actor a
 * restore started again) reach stderr outside the console, and fail a test the same way: a
 * test that expects one stubs `process.emitWarning` (or listens to `agent.warning`), and a test
 * model says what it costs, free when it is. Read as they are emitted: the `warning` event
 * comes a tick later, often in the next test.
 */
const emitWarning = process.emitWarning;
function recordingEmitWarning(this: NodeJS.Process, ...args: unknown[]): void {
  const [warning, options, code] = args;
  const named =
    typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : code;
  if (typeof named === 'string' && named.startsWith('AGENTCHART_')) {
    printed.push(`process warning [${named}]: ${String((warning as Error)?.message ?? warning)}`);
  }
  Reflect.apply(emitWarning, this, args);
}

beforeEach(() => {
  printed = [];
  process.emitWarning = recordingEmitWarning as typeof process.emitWarning;
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
  process.emitWarning = emitWarning;
  if (unexpected.length > 0) {
    throw new Error(`unexpected console output:\n${unexpected.join('\n')}`);
  }
});
