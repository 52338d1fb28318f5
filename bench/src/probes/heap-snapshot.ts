import { readFileSync, rmSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';

/** The parts of V8's `.heapsnapshot` JSON the heap probes read. */
export interface HeapSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[]];
      edge_fields: string[];
      edge_types: [string[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Writes the heap to `path`, reads it back, and removes the file unless `keep` is set. */
export function readHeapSnapshot(path: string, { keep = false } = {}): HeapSnapshot {
  writeHeapSnapshot(path);
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot;
  if (!keep) rmSync(path);
  return parsed;
}
