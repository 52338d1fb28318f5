import { lateStatus } from '../src/show/late-status';
import type { EffectStep, RunStep, StepMessage } from '../src/studio/types';
import {
  formatCost,
  formatCount,
  formatDuration,
  formatJson,
  formatTime,
  visibleText,
} from './format';

const stepLabels: Record<RunStep['kind'], string> = {
  checkpoint: 'state',
  'model-call': 'model call',
  'tool-call': 'tool call',
  'human-wait': 'human wait',
  agent: 'child agent',
};

/** A one-line description of a step, for the timeline list. */
export function stepTitle(step: RunStep): string {
  if (step.kind === 'checkpoint') {
    const leaves = step.activeStates.filter(
      (id) => id !== '' && !step.activeStates.some((other) => other.startsWith(`${id}.`)),
    );
    return `${step.status === 'running' ? '' : `${step.status} · `}${leaves.join(', ') || '(machine)'}`;
  }
  const where = step.state ? ` in ${step.state}` : '';
  if (step.kind === 'model-call') {
    const tokens = (step.inputTokens ?? 0) + (step.outputTokens ?? 0);
    return `${step.name}${where} · ${formatCount(tokens)} tokens · ${formatCost(step.costUsd)}`;
  }
  if (step.kind === 'human-wait')
    return `${step.status === 'started' ? 'waiting' : 'answered'}${where}: ${visibleText(step.prompt ?? '')}`;
  return `${step.name}${where}${step.lateResult ? ` · ${lateStatus}` : ''}`;
}

/** A step's kind as shown: `model call`, `tool call` … */
export function stepKindLabel(step: RunStep): string {
  return stepLabels[step.kind];
}

/** Everything known about one step. */
export function StepDetail({ step }: { step: RunStep }) {
  return (
    <section class="step-detail" data-testid="step-detail" data-kind={step.kind}>
      <h3>
        <span class={`kind kind-${step.kind}`}>{stepKindLabel(step)}</span> {stepTitle(step)}
      </h3>
      <p class="muted">
        step {step.index + 1} · {formatTime(step.at)} · active:{' '}
        {step.activeStates.filter(Boolean).join(', ') || '(machine)'}
      </p>
      {step.kind === 'checkpoint' ? <CheckpointDetail step={step} /> : <EffectDetail step={step} />}
    </section>
  );
}

function CheckpointDetail({ step }: { step: Extract<RunStep, { kind: 'checkpoint' }> }) {
  return (
    <>
      <dl class="facts">
        <dt>checkpoint</dt>
        <dd>version {step.version}</dd>
        <dt>status</dt>
        <dd>{step.status}</dd>
        <dt>run so far</dt>
        <dd>
          {formatCount(step.tokens)} tokens · {formatCost(step.costUsd)}
        </dd>
      </dl>
      <h4>Context changes</h4>
      {step.contextChanges.length === 0 ? (
        <p class="muted">none</p>
      ) : (
        <table class="changes" data-testid="context-changes">
          <thead>
            <tr>
              <th>field</th>
              <th>before</th>
              <th>after</th>
            </tr>
          </thead>
          <tbody>
            {step.contextChanges.map((change) => (
              <tr key={change.key}>
                <td>{change.key}</td>
                <td>
                  <pre>{'before' in change ? formatJson(change.before, 2000) : '—'}</pre>
                </td>
                <td>
                  <pre>{'after' in change ? formatJson(change.after, 2000) : '(removed)'}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function EffectDetail({ step }: { step: EffectStep }) {
  return (
    <>
      <dl class="facts">
        <dt>
          {step.kind === 'tool-call' ? 'tool' : step.kind === 'model-call' ? 'model' : 'name'}
        </dt>
        <dd>{step.name}</dd>
        <dt>status</dt>
        <dd class={`status-${step.status}`} data-testid="step-status">
          {step.lateResult ? lateStatus : step.status}
        </dd>
        <dt>effect</dt>
        <dd>{step.effect}</dd>
        <dt>latency</dt>
        <dd data-testid="latency">
          {formatDuration(step.latencyMs ?? step.lateResult?.latencyMs)}
        </dd>
        {step.kind === 'model-call' && (
          <>
            <dt>tokens</dt>
            <dd data-testid="model-tokens">
              {formatCount(step.inputTokens)} in · {formatCount(step.outputTokens)} out
            </dd>
            <dt>cost</dt>
            <dd data-testid="model-cost">{formatCost(step.costUsd)}</dd>
            <dt>attempts</dt>
            <dd data-testid="attempts">{step.attempts ?? '–'}</dd>
            <dt>cache</dt>
            <dd data-testid="cache">{step.cached ? 'hit' : 'miss'}</dd>
            {step.promptVersion && (
              <>
                <dt>prompt</dt>
                <dd>{step.promptVersion}</dd>
              </>
            )}
          </>
        )}
        {step.deadline !== undefined && (
          <>
            <dt>deadline</dt>
            <dd>{formatTime(step.deadline)}</dd>
          </>
        )}
        <dt>journal key</dt>
        <dd>
          <code>{step.key}</code>
        </dd>
      </dl>
      {step.lateResult && (
        <>
          <h4>Returned late</h4>
          <p class="muted" data-testid="late-result">
            The tool returned at {formatTime(step.lateResult.finishedAt)}, after its run ended or
            its state was left: it acted, but the chart went on without this result. A resume of the
            thread takes it as the step's result.
          </p>
          <pre>{formatJson(step.lateResult.output)}</pre>
        </>
      )}
      {step.error && (
        <p class="error">
          {step.error.code ? <code>{step.error.code}</code> : null} {step.error.message}
        </p>
      )}
      {step.ledger && (
        <>
          <h4>Context budget</h4>
          <table class="ledger" data-testid="ledger">
            <thead>
              <tr>
                <th>section</th>
                <th>tokens sent</th>
                <th>asked</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(step.ledger.sections).map(([section, tokens]) => (
                <tr key={section}>
                  <td>{section}</td>
                  <td>{formatCount(tokens)}</td>
                  <td>{formatCount(step.ledger?.sectionsBefore?.[section])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            window {formatCount(step.ledger.contextWindow)} · input{' '}
            {formatCount(step.ledger.inputTokens)}
            {step.ledger.tokenTax === undefined
              ? ''
              : ` · token tax ${(step.ledger.tokenTax * 100).toFixed(1)}%`}
            {step.ledger.trimmed ? ` · ${step.ledger.trimmed} trimmed` : ''}
          </p>
        </>
      )}
      {step.messages && (
        <>
          <h4>Messages sent{step.tools ? ` · tools: ${step.tools.join(', ')}` : ''}</h4>
          <Messages messages={step.messages} />
        </>
      )}
      {step.response && (
        <>
          <h4>Response</h4>
          <Messages messages={[step.response]} />
        </>
      )}
      {step.prompt !== undefined && (
        <>
          <h4>Prompt</h4>
          <pre>{visibleText(step.prompt)}</pre>
        </>
      )}
      {step.input !== undefined && (
        <>
          <h4>Arguments</h4>
          <pre data-testid="tool-input">{formatJson(step.input)}</pre>
        </>
      )}
      {step.output !== undefined && step.kind !== 'model-call' && (
        <>
          <h4>{step.kind === 'human-wait' ? 'Reply' : 'Output'}</h4>
          <pre data-testid="tool-output">{formatJson(step.output)}</pre>
        </>
      )}
    </>
  );
}

function Messages({ messages }: { messages: readonly StepMessage[] }) {
  return (
    <ol class="messages">
      {messages.map((message, index) => (
        <li key={index} class={`message role-${message.role}`}>
          <span class="role">
            {message.role}
            {message.name ? ` · ${message.name}` : ''}
          </span>
          {message.content && <pre>{message.content}</pre>}
          {message.toolCalls?.map((call) => (
            <pre key={call.name + call.arguments} class="tool-call">
              → {call.name}({call.arguments})
            </pre>
          ))}
        </li>
      ))}
    </ol>
  );
}
