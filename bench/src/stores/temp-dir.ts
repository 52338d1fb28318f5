import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory for a benchmark's database files, removed by `remove()`. */
export interface TempDir {
  readonly path: string;
  /** A file path inside the directory. */
  file(name: string): string;
  remove(): void;
}

/** Creates a {@link TempDir} under the system's temp directory. */
export function tempDir(label: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `agentchart-bench-${label}-`));
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
