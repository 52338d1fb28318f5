/**
 * The exporter sample of docs/observability.md ends a process's telemetry: what it does when
 * the collector is gone is run here, on stand-ins for the providers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const text = readFileSync(
  fileURLToPath(new URL('../docs/observability.md', import.meta.url)),
  'utf8',
);

/** The sample's code from `stop();` on: what runs once the agent's runs are over. */
function sampleShutdown(): string {
  const sample = [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .find((code) => code.includes('instrumentAgent(agent, { tracerProvider, meterProvider })'));
  expect(sample, 'the exporter sample of docs/observability.md').toBeDefined();
  return sample!.slice(sample!.indexOf('\nstop();'));
}

describe('docs/observability.md exporter sample', () => {
  it('reports a tracer provider shutdown that rejects with ECONNREFUSED instead of crashing the process at exit (issue: no collector listening)', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), {
      code: 'ECONNREFUSED',
    });
    const tracerProvider = { shutdown: vi.fn(() => Promise.reject(refused)) };
    const meterProvider = { shutdown: vi.fn(() => Promise.resolve()) };
    const stop = vi.fn();
    const error = vi.fn();
    const AsyncFunction = (async () => {}).constructor as new (
      ...parameters: string[]
    ) => (...values: unknown[]) => Promise<void>;
    // The shutdown lines are plain JavaScript: they run as printed.
    const run = new AsyncFunction(
      'stop',
      'tracerProvider',
      'meterProvider',
      'console',
      sampleShutdown(),
    );
    await expect(run(stop, tracerProvider, meterProvider, { error })).resolves.toBeUndefined();
    expect(stop).toHaveBeenCalledOnce();
    expect(tracerProvider.shutdown).toHaveBeenCalledOnce();
    expect(meterProvider.shutdown).toHaveBeenCalledOnce();
    expect(error).toHaveBeenCalledWith(expect.any(String), refused);
  });
});
