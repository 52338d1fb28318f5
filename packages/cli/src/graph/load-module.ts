import { pathToFileURL } from 'node:url';

const typeScriptFile = /\.(?:[cm]?ts|tsx)$/;

/**
 * Imports a module by its absolute path. TypeScript goes through tsx's loader (extension-less
 * relative imports and all), so agents written in TypeScript are read without a build.
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (!typeScriptFile.test(path)) return import(url);
  const { tsImport } = await import('tsx/esm/api');
  const loaded: Record<string, unknown> = await tsImport(url, import.meta.url);
  // A file of a package without "type": "module" loads as CommonJS, its exports wrapped:
  // `default` is then the whole `module.exports`, and the file's own default export sits
  // under it, so an `export default defineEval(…)` was reported as no eval suite at all.
  // Unwrapped, they are what an ES module's namespace holds: its named exports and its default.
  const commonJs = loaded['module.exports'];
  return typeof commonJs === 'object' && commonJs !== null
    ? (commonJs as Record<string, unknown>)
    : loaded;
}
