/**
 * A dollar amount to 15 significant digits. Adding prices in binary floating point leaves
 * noise below that (0.00001 + 0.00002 is 0.000030000000000000004); no price, and no sum a run
 * or a ledger reaches, needs more digits, so the noise goes and the figure users read is the
 * one they expect.
 */
export function roundUsd(amount: number): number {
  return Number(amount.toPrecision(15));
}

/** `a + b` in dollars, rounded as {@link roundUsd}: how every cost is summed. */
export function addUsd(a: number, b: number): number {
  return roundUsd(a + b);
}
