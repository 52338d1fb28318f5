import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import type { ListThreadsOptions, RunStatus } from './types';

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
