/** A function the calculator knows, with how many arguments it takes. */
export interface CalculatorFunction {
  minArgs: number;
  maxArgs: number;
  apply(args: number[]): number;
}

const unary = (apply: (x: number) => number): CalculatorFunction => ({
  minArgs: 1,
  maxArgs: 1,
  apply: ([x]) => apply(x!),
});

/** The functions an expression may call, by name; a `Map` so `constructor` is never found. */
export const calculatorFunctions: ReadonlyMap<string, CalculatorFunction> = new Map([
  ['sqrt', unary(Math.sqrt)],
  ['abs', unary(Math.abs)],
  ['round', unary(Math.round)],
  ['floor', unary(Math.floor)],
  ['ceil', unary(Math.ceil)],
  ['exp', unary(Math.exp)],
  [
    'log',
    {
      minArgs: 1,
      maxArgs: 2,
      // log(x) is the natural logarithm; log(x, base) any other.
      apply: ([x, base]) => (base === undefined ? Math.log(x!) : Math.log(x!) / Math.log(base)),
    },
  ],
  ['min', { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: (args) => Math.min(...args) }],
  ['max', { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: (args) => Math.max(...args) }],
]);

/** The constants an expression may name. */
export const calculatorConstants: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
]);
