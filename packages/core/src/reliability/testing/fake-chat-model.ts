import {
  ModelCallError,
  type ModelCallErrorOptions,
  type ModelErrorKind,
} from '../../model/model-call-error';
import type {
  ChatModel,
  ChatRequest,
  ChatResponse,
  GenerateOptions,
  Usage,
} from '../../model/types';

/** What a fake model does on its `index`-th call (from 0). */
export type FakeBehaviour = (call: {
  index: number;
  request: ChatRequest;
  options: GenerateOptions;
}) => ChatResponse | Promise<ChatResponse>;

/** A model answering from a script, recording its calls and the signals it got. */
export class FakeChatModel implements ChatModel {
  readonly modelName: string;
  readonly endpoint: string;
  readonly signals: AbortSignal[] = [];
  behaviour: FakeBehaviour;

  constructor({
    endpoint = 'fake:primary',
    modelName = 'fake-model',
    behaviour = () => okResponse(),
  }: {
    endpoint?: string;
    modelName?: string;
    behaviour?: FakeBehaviour;
  } = {}) {
    this.endpoint = endpoint;
    this.modelName = modelName;
    this.behaviour = behaviour;
  }

  get calls(): number {
    return this.signals.length;
  }

  async generate(request: ChatRequest, options: GenerateOptions): Promise<ChatResponse> {
    const index = this.signals.length;
    this.signals.push(options.signal);
    return this.behaviour({ index, request, options });
  }
}

/** A successful answer. */
export function okResponse(
  content = 'ok',
  usage: Usage = { inputTokens: 10, outputTokens: 5 },
): ChatResponse {
  return { content, toolCalls: [], usage, finishReason: 'stop' };
}

/** A ModelCallError of `kind`, as an adapter would throw it. */
export function modelError(
  kind: ModelErrorKind,
  extra: Partial<ModelCallErrorOptions> = {},
): ModelCallError {
  return new ModelCallError({ kind, message: `simulated ${kind}`, ...extra });
}

/** Fails with each error in turn, then answers. */
export function failThenAnswer(...errors: unknown[]): FakeBehaviour {
  return ({ index }) => {
    const error = errors[index];
    if (error !== undefined) throw error;
    return okResponse();
  };
}

/** Never answers; rejects with the signal's reason when it aborts, as a well-behaved adapter does. */
export function hangUntilAborted(): FakeBehaviour {
  return ({ options }) =>
    new Promise((_, reject) => {
      options.signal.addEventListener('abort', () => reject(options.signal.reason), { once: true });
    });
}

/** Never answers and ignores its signal, as a broken adapter might. */
export function hangForever(): FakeBehaviour {
  return () => new Promise(() => {});
}
