import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import { GenAi } from '../attributes';

/** Bucket boundaries the conventions recommend for `gen_ai.client.token.usage`. */
const tokenBuckets = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** Bucket boundaries the conventions recommend for `gen_ai.client.operation.duration`. */
const durationBuckets = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** The GenAI client metrics: token usage by type, and operation duration. */
export class GenAiMetrics {
  readonly #tokens: Histogram;
  readonly #duration: Histogram;

  constructor(meter: Meter) {
    this.#tokens = meter.createHistogram('gen_ai.client.token.usage', {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: tokenBuckets },
    });
    this.#duration = meter.createHistogram('gen_ai.client.operation.duration', {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: durationBuckets },
    });
  }

  /** Records a model call's tokens, one point per token type. */
  recordTokens(attributes: Attributes, input: number, output: number): void {
    this.#tokens.record(input, { ...attributes, [GenAi.tokenType]: 'input' });
    this.#tokens.record(output, { ...attributes, [GenAi.tokenType]: 'output' });
  }

  /** Records a model call's duration in seconds (with `error.type` when it failed). */
  recordDuration(attributes: Attributes, seconds: number): void {
    this.#duration.record(seconds, attributes);
  }
}
