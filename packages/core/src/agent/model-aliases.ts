import type { AnyStateMachine, StateMachine } from 'xstate';
import type { ChatModel } from '../model/types';

/**
 * A type-only mark on effect logic: the model aliases it calls. No value carries it; it lets
 * `createAgent` check at compile time that every alias a machine's effects name is given.
 */
export interface CallsModels<TAlias extends string> {
  readonly '~agentchart.models'?: TAlias;
}

/** The model aliases the effects registered in a machine's `setup({ actors })` call. */
export type ModelAliasesOf<TMachine extends AnyStateMachine> =
  TMachine extends StateMachine<
    any,
    any,
    any,
    infer TActor,
    any,
    any,
    any,
    any,
    any,
    any,
    any,
    any,
    any,
    any,
    any
  >
    ? TActor extends { logic: infer TLogic }
      ? ModelAliasesOfLogic<TLogic>
      : never
    : never;

/** The model aliases one effect's logic calls (`never` when it names none, or only as `string`). */
export type ModelAliasesOfLogic<TLogic> =
  TLogic extends CallsModels<infer TAlias> ? (string extends TAlias ? never : TAlias) : never;

/** One model, or a fallback chain tried in order. */
export type ModelOrChain = ChatModel | readonly ChatModel[];

/**
 * The `models` an agent of `TMachine` needs: a model for every alias its effects name (a
 * misspelt alias is a missing property), and any others you like.
 */
export type ModelsFor<TMachine extends AnyStateMachine> = {
  [TAlias in ModelAliasesOf<TMachine>]: ModelOrChain;
} & Record<string, ModelOrChain>;

/**
 * `models` as `createAgent` requires it: present when the machine's effects name model
 * aliases — leaving it out is then a type error, as a missing alias is — and optional when
 * they name none.
 */
export type ModelsOptionFor<TMachine extends AnyStateMachine> = [ModelAliasesOf<TMachine>] extends [
  never,
]
  ? unknown
  : { models: ModelsFor<TMachine> };
