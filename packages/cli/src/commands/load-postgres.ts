import { CliError } from '../cli-error';

/**
 * `@agentchart/postgres`, an optional peer the command needs for a `postgres://` database.
 * Not installed, it is a setup problem the user fixes with one install (`cli.not_available`,
 * exit 2), said as such; any other failure to load it (a broken install, its own dependency
 * missing) is reported with its cause, not as a missing package.
 */
export async function loadPostgres(
  purpose: string,
): Promise<typeof import('@agentchart/postgres')> {
  try {
    return await import('@agentchart/postgres');
  } catch (error) {
    if (isMissingPackage(error, '@agentchart/postgres')) {
      throw new CliError(
        'cli.not_available',
        `${purpose} needs the @agentchart/postgres package, which is not installed: install it beside agentchart (npm install @agentchart/postgres).`,
        error,
      );
    }
    throw new CliError(
      'cli.store_failed',
      `${purpose} needs the @agentchart/postgres package, which is installed but could not be loaded: ${(error as Error).message}`,
      error,
    );
  }
}

/** True when `error` is Node's refusal to import `name` itself because it is not installed. */
export function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' && String(message).includes(`'${name}'`);
}
