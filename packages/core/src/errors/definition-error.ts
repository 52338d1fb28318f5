import { AgentchartError } from './agentchart-error';

/** The ways an agent definition can be wrong; all are found by `createAgent`, before any run. */
export type DefinitionErrorCode =
  | 'definition.actor_not_registered'
  | 'definition.model_not_provided'
  | 'definition.duplicate_tool'
  | 'definition.tool_not_provided'
  | 'definition.schema_not_convertible'
  | 'definition.invalid_option'
  | 'definition.effect_not_bound'
  | 'definition.async_schema'
  | 'definition.spawn_without_id';

/** A programmer error in an agent's definition, thrown at definition time. */
export class DefinitionError extends AgentchartError<DefinitionErrorCode> {
  constructor(code: DefinitionErrorCode, message: string, cause?: unknown) {
    super(code, { message, cause });
  }
}
