import { AgentchartError } from '../errors/agentchart-error';
import type { ContextSectionName } from './types';

/** One section's size, as a {@link BudgetError} reports it. */
export interface SectionSize {
  section: ContextSectionName;
  /** Tokens the section has as requested. */
  tokens: number;
  /** The fewest tokens the enabled strategies can bring it down to. */
  minTokens: number;
}

/** Facts a {@link BudgetError} carries. */
export interface BudgetErrorDetails {
  model: string;
  contextWindow: number;
  /** Tokens the request may use, input and reserved output together (the window less the margin). */
  capacity: number;
  /** Tokens the request needs at the least: every section at its minimum. */
  minimumTokens: number;
  sections: SectionSize[];
}

/**
 * A request that cannot fit the model's context window even with every section cut to its
 * minimum. It is raised before anything is sent: the chart receives it through `onError`.
 */
export class BudgetError extends AgentchartError<'budget.exceeded'> {
  readonly details: BudgetErrorDetails;

  constructor(details: BudgetErrorDetails) {
    const sizes = details.sections
      .filter((size) => size.tokens > 0)
      .map(({ section, tokens, minTokens }) => `${section} ${tokens} (min ${minTokens})`)
      .join(', ');
    super('budget.exceeded', {
      message: `The request to "${details.model}" needs at least ${details.minimumTokens} tokens but its context window allows ${details.capacity} (window ${details.contextWindow}). Sections: ${sizes}. Shorten the largest section, allow more strategies for this state (keep-head-and-tail cuts the middle of an oversized input, document, memory or tool result; a tool loop's maxToolOutputTokens caps every tool result), lower the reserved output, or use a model with a larger window.`,
    });
    this.details = details;
  }

  override toJSON() {
    return { ...super.toJSON(), details: this.details };
  }
}
