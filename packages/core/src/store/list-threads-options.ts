import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import type { ListDueOptions, ListThreadsOptions, RunStatus } from './types';

const statuses: readonly RunStatus[] = ['running', 'waiting', 'done', 'failed', 'limit', 'stopped'];

/**
 * Refuses a filter no thread can match (`status: 'finished'` listed none) or a misspelt one
 * (`statuss` was ignored, and every thread listed).
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkListThreadsOptions(options: ListThreadsOptions): void {
  checkOptionNames('listThreads', options, ['status']);
  const { status } = options;
  if (status !== undefined && !statuses.includes(status)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `listThreads: status is ${describeValue(status)}. Give one of ${statuses.map((name) => `'${name}'`).join(', ')}, or leave it out for every thread.`,
    );
  }
}

/**
 * Refuses `listDue` options the stores would read differently: a `limit` of -1 listed all but
 * the last due thread in memory and every one on SQLite, 1.5 failed inside SQLite, and a
 * missing one threw Node's own TypeError there; a `now` of NaN listed every thread in memory
 * and none on SQLite.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkListDueOptions(options: ListDueOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new DefinitionError(
      'definition.invalid_option',
      `listDue: the options are ${describeValue(options)}. Give { now, limit }: the current time in ms since the epoch and the most threads to list.`,
    );
  }
  checkOptionNames('listDue', options, ['now', 'limit']);
  validateNumberOption('listDue', 'now', options.now, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    expected: "the current time in milliseconds since the epoch (your clock's now())",
  });
  validateNumberOption('listDue', 'limit', options.limit, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'the most threads to list, a whole number from 1',
  });
}
