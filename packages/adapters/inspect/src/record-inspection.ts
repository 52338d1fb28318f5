import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { checkOptionNames } from '@agentchart/core/internal';
import { toJsonLine } from './to-json-line';
import type { InspectionMessage, InspectionSink } from './types';

/** Options of {@link recordInspection}. */
export interface RecordInspectionOptions {
  /** The JSON Lines file to append to (created when missing). */
  file: string;
}

const recordInspectionOptionNames = ['file'];

/**
 * Records the inspection stream as JSON Lines — one inspector-protocol message a line,
 * exactly as sent to the relay — so a local viewer can replay a run offline, where the
 * hosted Stately UI cannot be reached. See docs/observability.md for the format.
 */
export function recordInspection(options: RecordInspectionOptions): InspectionSink {
  checkOptionNames('recordInspection', options, recordInspectionOptionNames);
  const { file } = options;
  const stream = createWriteStream(file, { flags: 'a' });
  let failure: unknown;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    send(message: InspectionMessage) {
      if (failure === undefined) stream.write(`${toJsonLine(message)}\n`);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        if (failure !== undefined) {
          reject(failure);
          return;
        }
        stream.end(() => resolve());
      });
    },
  };
}

/** Reads a recording made by {@link recordInspection}, oldest message first. */
export async function readInspectionRecording(file: string): Promise<InspectionMessage[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as InspectionMessage);
}
