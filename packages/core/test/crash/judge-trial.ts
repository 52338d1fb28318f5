import { jsonEqual } from '../../src/store/json-delta';

/** What one child process reported. */
export interface ChildReport {
  outcome: {
    status: string;
    output?: unknown;
    error?: { code: string };
    usage: Record<string, number>;
  };
  boundaries: string[];
  ambiguous: number;
  journal: { key: string; status: string; output?: unknown; error?: string }[];
}

/** One trial: killed at boundary `k`, then resumed in a fresh process. */
export interface CrashTrial {
  k: number;
  boundary: string;
  /** The first process died by SIGKILL at boundary k (false: it finished before reaching it). */
  killed: boolean;
  /** Final status and output equal the uncrashed run's. */
  identical: boolean;
  /** Model and tool usage (not macrosteps) equal the uncrashed run's. */
  usageIdentical: boolean;
  /** Effects of the uncrashed run's journal that this trial's journal lacks or ended otherwise. */
  stepsLost: number;
  /** Extra times the unsafe tool acted, by its own counter. */
  duplicateSideEffects: number;
  /** The resume met an ambiguous unsafe call. */
  ambiguous: boolean;
  /** The ambiguity went where the scenario routes it: reconciled to the reference output, or the chart's error path. */
  ambiguityRouted: boolean;
  /** Model calls made in both processes beyond the uncrashed run's (a call in flight at the kill). */
  modelCallsRepeated: number;
  problems: string[];
}

/** What a trial is compared with, and what it produced. */
export interface TrialEvidence {
  k: number;
  boundary: string;
  killed: boolean;
  crashed: ChildReport | undefined;
  resumed: ChildReport | undefined;
  stderr: string;
  reference: ChildReport;
  referenceSideEffects: Map<string, number> | undefined;
  sideEffects: Map<string, number> | undefined;
  ambiguityFails: boolean;
  modelCallsRepeated: number;
}

/** Compares one trial with the uncrashed run: outputs, usage, journal, side effects, routing. */
export function judgeTrial({
  k,
  boundary,
  killed,
  crashed,
  resumed,
  stderr,
  reference,
  referenceSideEffects,
  sideEffects,
  ambiguityFails,
  modelCallsRepeated,
}: TrialEvidence): CrashTrial {
  const problems: string[] = [];
  if (!killed) problems.push(`the first process was not killed at boundary ${k}`);
  if (crashed) problems.push('the first process finished although it was to be killed');
  if (!resumed) {
    problems.push(`the resumed process failed: ${stderr.slice(0, 500)}`);
    return {
      k,
      boundary,
      killed,
      identical: false,
      usageIdentical: false,
      stepsLost: reference.journal.length,
      duplicateSideEffects: 0,
      ambiguous: false,
      ambiguityRouted: false,
      modelCallsRepeated: 0,
      problems,
    };
  }
  const { outcome } = resumed;
  const identical =
    outcome.status === reference.outcome.status &&
    jsonEqual(outcome.output, reference.outcome.output);
  const usageIdentical = ['modelCalls', 'inputTokens', 'outputTokens', 'toolCalls'].every(
    (field) => outcome.usage[field] === reference.outcome.usage[field],
  );
  const ambiguous = resumed.ambiguous > 0;
  const routedToError =
    (outcome.output as { error?: string } | undefined)?.error === 'effect.ambiguous';
  const ambiguityRouted = ambiguous && (ambiguityFails ? routedToError : identical);
  // A trial routed to the error path by design takes another path: its journal differs.
  const divergedByDesign = ambiguous && ambiguityFails;
  let stepsLost = 0;
  if (!divergedByDesign) {
    const byKey = new Map(resumed.journal.map((entry) => [entry.key, entry]));
    for (const entry of reference.journal) {
      // A step re-made after the kill (a model call in flight) may answer differently, as a
      // real model would; what must hold is that it is there and finished the same way.
      const found = byKey.get(entry.key);
      if (!found || found.status !== entry.status) stepsLost++;
    }
    if (resumed.journal.length !== reference.journal.length) {
      problems.push(
        `journal has ${resumed.journal.length} effects, the uncrashed run ${reference.journal.length}`,
      );
    }
    if (!identical) problems.push(`final output differs: ${JSON.stringify(outcome).slice(0, 300)}`);
    if (!usageIdentical) problems.push(`usage differs: ${JSON.stringify(outcome.usage)}`);
  } else if (!routedToError) {
    problems.push('an ambiguous unsafe call did not reach the chart error path');
  }
  let duplicateSideEffects = 0;
  if (sideEffects) {
    for (const count of sideEffects.values()) duplicateSideEffects += Math.max(0, count - 1);
    if (
      !divergedByDesign &&
      referenceSideEffects &&
      !jsonEqual([...sideEffects.keys()], [...referenceSideEffects.keys()])
    ) {
      problems.push(`side effects under other keys: ${[...sideEffects.keys()].join(', ')}`);
    }
  }
  if (stepsLost > 0) problems.push(`${stepsLost} effects lost or changed`);
  if (duplicateSideEffects > 0) problems.push(`${duplicateSideEffects} duplicate side effects`);
  return {
    k,
    boundary,
    killed,
    identical,
    usageIdentical,
    stepsLost,
    duplicateSideEffects,
    ambiguous,
    ambiguityRouted,
    modelCallsRepeated,
    problems,
  };
}
