import { DefinitionError } from '@agentchart/core';
import { describeValue } from '@agentchart/core/internal';

/**
 * Refuses, before anything starts, an option that must map names to text and does not. A
 * value left `undefined` — `env: { API_KEY: process.env.API_KEY }` with the variable unset —
 * reached the server as the text "undefined"; a number or an object became its `String()`.
 */
export function checkTextRecord(option: string, value: unknown, example: string): void {
  const fail = (what: string): never => {
    throw new DefinitionError('definition.invalid_option', `connectMcpServer: ${option}${what}`);
  };
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(` is ${describeValue(value)}. Give an object of names and text, such as ${example}.`);
  }
  for (const [name, text] of Object.entries(value as Record<string, unknown>)) {
    if (typeof text === 'string') continue;
    fail(
      `.${name} is ${text === undefined ? 'undefined' : describeValue(text)}. Give text${text === undefined ? ' (a variable read from process.env that is not set comes through as undefined, and the server would receive the word "undefined")' : ''}, or leave ${name} out.`,
    );
  }
}
