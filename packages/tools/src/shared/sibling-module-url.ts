import { existsSync } from 'node:fs';

/**
 * Where a module that is started as its own process or worker is: beside the calling module,
 * `name.ts` when the caller runs from source (tests, Node's type stripping), `name.mjs` when
 * it runs from the built package, where each such module is an entry of its own.
 *
 * Resolved when a call needs it, not when the package is imported: bundled into an
 * application as CommonJS, `import.meta.url` is undefined, and a module-level lookup failed
 * the import of every tool. A bundle also leaves the module's file behind, so a missing one
 * is reported with what to do, as `{ missing }`, for the caller to fail its call with.
 */
export function siblingModuleUrl(
  callerUrl: string | undefined,
  name: string,
): { url: URL } | { missing: string } {
  const advice = `@agentchart/tools starts ${name} from a file of its own, which a bundle does not carry: leave the package external to the bundler (esbuild --external:@agentchart/tools, or --packages=external) so it is loaded from node_modules.`;
  // Not a string in a CommonJS bundle, whatever the type says.
  if (typeof callerUrl !== 'string') return { missing: advice };
  const url = new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.mjs'}`, callerUrl);
  if (url.protocol === 'file:' && !existsSync(url)) {
    return { missing: `${url.pathname} is not there. ${advice}` };
  }
  return { url };
}
