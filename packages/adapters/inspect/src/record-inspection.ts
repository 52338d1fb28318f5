import { createWriteStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
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
  checkRecordFile(file);
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

/**
 * The file must be one that can be appended to: before, an empty path, a directory or a
 * missing folder made a sink that dropped every message and said so only at `close()`.
 */
function checkRecordFile(file: unknown): void {
  const fail = (message: string): never => {
    throw new DefinitionError('definition.invalid_option', `recordInspection: ${message}`);
  };
  if (typeof file !== 'string' || file.trim() === '') {
    fail(
      `file is ${describeValue(file)}. Give the path of a JSON Lines file, such as 'inspection.jsonl'.`,
    );
  }
  const path = file as string;
  const folder = statSync(dirname(path), { throwIfNoEntry: false });
  if (!folder?.isDirectory()) {
    fail(`the folder of ${path} does not exist. Create it, or give a file in a folder that does.`);
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    fail(
      `${path} is a directory. Give the path of a file in it, such as ${path}/inspection.jsonl.`,
    );
  }
}
