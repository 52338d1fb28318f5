import { existsSync, realpathSync, statSync } from 'node:fs';
import { parse, resolve } from 'node:path';
import { DefinitionError } from '@agentchart/core';
import { checkOptionNames, optionNamesOf } from '@agentchart/core/internal';
import { requirePositiveInteger } from '../shared/validate-option';
import type { SandboxOptions } from './types';

/**
 * Default for {@link SandboxOptions.maxBytes}: 256 KiB, so a file read whole, written as
 * JSON, still fits a journal row (an agent's `maxJournalValueBytes`, 1 MiB by default) when a
 * chart calls the tool itself.
 */
export const defaultMaxBytes = 256 * 1024;
/** Default for {@link SandboxOptions.maxEntries}. */
export const defaultMaxEntries = 1_000;

/** Every sandbox option, checked against its type by the compiler. */
const sandboxOptionNames = optionNamesOf<SandboxOptions>({
  root: true,
  maxBytes: true,
  maxEntries: true,
  allowHardLinks: true,
  replaceReadOnlyFiles: true,
});

/** Sandbox options checked at definition time (a misspelt one refused), with defaults applied. */
export function sandboxOptions(owner: string, options: SandboxOptions): Required<SandboxOptions> {
  checkOptionNames(owner, options, sandboxOptionNames);
  const {
    root,
    maxBytes = defaultMaxBytes,
    maxEntries = defaultMaxEntries,
    allowHardLinks = false,
    replaceReadOnlyFiles = false,
  } = options;
  if (typeof root !== 'string' || root.trim() === '' || root.includes('\0')) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: root must be the path of a directory, got ${JSON.stringify(root)}.`,
    );
  }
  return {
    root: checkRoot(owner, resolve(root)),
    maxBytes: requirePositiveInteger(owner, 'maxBytes', maxBytes),
    maxEntries: requirePositiveInteger(owner, 'maxEntries', maxEntries),
    allowHardLinks: requireBoolean(owner, 'allowHardLinks', allowHardLinks),
    replaceReadOnlyFiles: requireBoolean(owner, 'replaceReadOnlyFiles', replaceReadOnlyFiles),
  };
}

/**
 * Refuses a root that could never be a sandbox: the file system's own root, which would hand
 * the model every file the process can read, and an existing path that is not a directory.
 * A directory made after the tools are defined is fine: each call opens the root afresh and
 * says so when it is missing.
 */
function checkRoot(owner: string, root: string): string {
  // Through its symlinks, when it exists: a link to `/` is the file system's root too.
  const real = existsSync(root) ? realpathSync(root) : root;
  if (root === parse(root).root || real === parse(real).root) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: root is the file system's root (${JSON.stringify(root)}), which would let the model reach every file this process can. Give the directory the agent's files are in.`,
    );
  }
  const stat = statSync(root, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: root ${JSON.stringify(root)} is not a directory. Give the directory the agent's files are in.`,
    );
  }
  return root;
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
