import { definedOptions } from '../errors/option-names';
import type { MessageSectionName, SectionPolicy } from './types';

/**
 * How sections are treated by default: the system prompt and the user's input are never
 * dropped (the input's middle may be cut when `keep-head-and-tail` is enabled); history goes
 * first, then documents, then memory. Tool schemas are fixed: leave tools out of a state's
 * effect rather than let a planner drop them.
 */
export const defaultSectionPolicies: Readonly<Record<MessageSectionName, SectionPolicy>> = {
  system: { priority: 100, droppable: false, cuttable: false },
  input: { priority: 90, droppable: false, cuttable: true },
  memory: { priority: 50, droppable: true, cuttable: true },
  documents: { priority: 40, droppable: true, cuttable: true },
  history: { priority: 20, droppable: true, cuttable: true },
};

/** The default policies with a state's overrides on top. */
export function resolveSectionPolicies(
  overrides: Partial<Record<MessageSectionName, Partial<SectionPolicy>>> = {},
): Record<MessageSectionName, SectionPolicy> {
  const resolved = { ...defaultSectionPolicies };
  for (const [section, policy] of Object.entries(overrides) as [
    MessageSectionName,
    Partial<SectionPolicy> | undefined,
  ][]) {
    // A section or a field given as `undefined` keeps its default, as one left out does.
    if (policy) resolved[section] = { ...resolved[section], ...definedOptions(policy) };
  }
  return resolved;
}
