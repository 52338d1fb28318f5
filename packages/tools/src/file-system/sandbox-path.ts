import { isAbsolute, relative, sep } from 'node:path';
import { SandboxError } from './sandbox-error';

/**
 * Checks a path the model gave and splits it into segments. Refused before the file system
 * is touched: NUL and other control characters, backslashes (Windows separators would slip
 * past a `/`-only check), absolute and drive paths, and any `..` segment — even one that
 * would stay inside, so there is one simple rule to state to the model.
 */
export function splitSandboxPath(path: string): string[] {
  const refuse = (why: string): never => {
    throw new SandboxError(
      'invalid_path',
      path,
      `Path ${JSON.stringify(path)} refused: it ${why}. Give a path relative to the sandbox root, with "/" between names, e.g. "notes/todo.md" ("." is the root).`,
    );
  };
  if (path.includes('\0')) refuse('contains a NUL byte');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) refuse('contains a control character');
  if (path.includes('\\')) refuse('contains a backslash');
  if (path.startsWith('/')) refuse('is absolute');
  if (/^[A-Za-z]:/.test(path)) refuse('starts with a drive letter');
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) refuse('contains "..", which could leave the sandbox root');
  return segments;
}

/** The path as shown in results and messages: normalized, relative to the root. */
export function displayPath(segments: readonly string[]): string {
  return segments.length === 0 ? '.' : segments.join('/');
}

/** True when `path` is `root` or below it; both must be real (symlink-free) absolute paths. */
export function isInsideRoot(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
