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
  return tsImport(url, import.meta.url);
}
