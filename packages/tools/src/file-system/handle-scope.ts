import { type FileHandle, open } from 'node:fs/promises';

/** Opens file handles for one tool call and closes every one of them when the call ends. */
export class HandleScope {
  readonly #handles: FileHandle[] = [];

  /** `fs.promises.open`, with the handle closed by {@link HandleScope.close}. */
  async open(path: string, flags: number, mode?: number): Promise<FileHandle> {
    const handle = await open(path, flags, mode);
    this.#handles.push(handle);
    return handle;
  }

  /** Closes every handle opened so far; errors on close are of no use to the caller. */
  async close(): Promise<void> {
    await Promise.all(this.#handles.splice(0).map((handle) => handle.close().catch(() => {})));
  }
}

/** Runs `body` with a fresh {@link HandleScope}, closed however `body` ends. */
export async function withHandleScope<T>(body: (scope: HandleScope) => Promise<T>): Promise<T> {
  const scope = new HandleScope();
  try {
    return await body(scope);
  } finally {
    await scope.close();
  }
}
