/**
 * The URL of a module that is started as its own process or worker, beside the calling
 * module: `name.ts` when the caller runs from source (tests, Node's type stripping), `name.mjs`
 * when it runs from the built package, where each such module is an entry of its own.
 */
export function siblingModuleUrl(callerUrl: string, name: string): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.mjs'}`, callerUrl);
}
