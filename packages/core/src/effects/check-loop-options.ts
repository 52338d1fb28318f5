import { validateNumberOption } from '../reliability/validate-option';

/** Refuses loop options that make no sense, at definition time. */
export function checkLoopOptions({
  maxSteps,
  maxInvalidCalls,
  maxRepeats,
  maxToolOutputTokens,
  maxOutputTokens,
}: {
  maxSteps: number;
  maxInvalidCalls: number;
  maxRepeats: number;
  maxToolOutputTokens: number;
  maxOutputTokens?: number | undefined;
}): void {
  const whole = (min: number, what: string) => ({
    min,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: what,
  });
  validateNumberOption(
    'toolLoop',
    'maxSteps',
    maxSteps,
    whole(1, 'a whole number of model calls, at least 1'),
  );
  validateNumberOption(
    'toolLoop',
    'maxInvalidCalls',
    maxInvalidCalls,
    whole(0, 'a whole number, 0 or more (0 fails on the first invalid call)'),
  );
  validateNumberOption(
    'toolLoop',
    'maxRepeats',
    maxRepeats,
    whole(2, 'a whole number, at least 2 (the count at which a repeated call stops the loop)'),
  );
  validateNumberOption(
    'toolLoop',
    'maxToolOutputTokens',
    maxToolOutputTokens,
    whole(1, 'a whole number of tokens, at least 1'),
  );
  if (maxOutputTokens !== undefined) {
    validateNumberOption(
      'toolLoop',
      'maxOutputTokens',
      maxOutputTokens,
      whole(1, 'a whole number of tokens, at least 1'),
    );
  }
}
