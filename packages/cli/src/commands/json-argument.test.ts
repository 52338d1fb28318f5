import { describe, expect, it } from 'vitest';
import { memoryContext } from '../testing';
import { readJsonArgument } from './json-argument';

describe('readJsonArgument', () => {
  it.each([
    ['reply', `--reply '{"approved":true}'`],
    ['input', `--input '{"ticket":"refund"}'`],
  ])('shows how to quote the %s it could not read, with its own flag', async (what, example) => {
    const { context } = memoryContext();
    const error = await readJsonArgument('{approved:true}', what, context).catch(
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(example);
  });
});
