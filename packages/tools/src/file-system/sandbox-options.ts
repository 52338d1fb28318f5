import { resolve } from 'node:path';
import { DefinitionError } from '@agentchart/core';
import { requirePositiveInteger } from '../shared/validate-option';
import type { SandboxOptions } from './types';

/** Default for {@link SandboxOptions.maxBytes}: 1 MiB. */
export const defaultMaxBytes = 1024 * 1024;
/** Default for {@link SandboxOptions.maxEntries}. */
export const defaultMaxEntries = 1_000;

/** Sandbox options checked at definition time, with defaults applied. */
export function sandboxOptions(
  owner: string,
  {
    root,
    maxBytes = defaultMaxBytes,
    maxEntries = defaultMaxEntries,
    allowHardLinks = false,
    replaceReadOnlyFiles = false,
  }: SandboxOptions,
): Required<SandboxOptions> {
  if (typeof root !== 'string' || root.trim() === '' || root.includes('\0')) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: root must be the path of a directory, got ${JSON.stringify(root)}.`,
    );
  }
  return {
    root: resolve(root),
    maxBytes: requirePositiveInteger(owner, 'maxBytes', maxBytes),
    maxEntries: requirePositiveInteger(owner, 'maxEntries', maxEntries),
    allowHardLinks: requireBoolean(owner, 'allowHardLinks', allowHardLinks),
    replaceReadOnlyFiles: requireBoolean(owner, 'replaceReadOnlyFiles', replaceReadOnlyFiles),
  };
}

function requireBoolean(owner: string, option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: ${option} is ${JSON.stringify(value)}. Give true or false.`,
    );
  }
  return value;
}
