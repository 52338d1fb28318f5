import { useState } from 'preact/hooks';
import { shellWord } from '../src/shell-word';
import { exampleReply } from '../src/show/example-reply';
import type { PendingWait } from '../src/studio/types';
import { sendReply } from './api';
import { formatJson, formatTime, visibleText } from './format';

/** A waiting run's question, and a form that answers it the way `agentchart send` does. */
export function WaitForm({
  threadId,
  waits,
  canReply,
}: {
  threadId: string;
  waits: readonly PendingWait[];
  canReply: boolean;
}) {
  return (
    <section class="waits" data-testid="waits">
      {waits.map((wait) => (
        <OneWait key={wait.waitId} threadId={threadId} wait={wait} canReply={canReply} />
      ))}
    </section>
  );
}

function OneWait({
  threadId,
  wait,
  canReply,
}: {
  threadId: string;
  wait: PendingWait;
  canReply: boolean;
}) {
  const [text, setText] = useState(startingReply(wait.replySchema));
  const [state, setState] = useState<{
    kind: 'idle' | 'sending' | 'sent' | 'error';
    message?: string;
  }>({
    kind: 'idle',
  });
  const submit = async (event: Event) => {
    event.preventDefault();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      setState({
        kind: 'error',
        message: 'The reply is not JSON: write true, "text", or {"field": …}.',
      });
      return;
    }
    setState({ kind: 'sending' });
    try {
      // Always the wait this form shows: if the run moved on to another wait meanwhile (another
      // call to approve), the reply is refused rather than answering a question never shown.
      const message = await sendReply(threadId, value, wait.waitId);
      setState({ kind: 'sent', message });
    } catch (error) {
      setState({ kind: 'error', message: (error as Error).message });
    }
  };
  return (
    <form class="wait" onSubmit={submit} data-testid="wait-form">
      <h3>Waiting for a human</h3>
      <p class="prompt" data-testid="wait-prompt">
        {visibleText(wait.prompt)}
      </p>
      {wait.childThreadId !== undefined && (
        <p class="muted" data-testid="wait-child">
          Asked by the child agent of thread {visibleText(wait.childThreadId)}; this run takes the
          reply and hands it on.
        </p>
      )}
      {wait.deadline !== undefined && (
        <WaitDeadline deadline={wait.deadline} approval={wait.approval === true} />
      )}
      {wait.replySchema !== undefined && (
        <details>
          <summary>Reply schema</summary>
          <pre>{formatJson(wait.replySchema)}</pre>
        </details>
      )}
      {wait.recordedReplySchema !== undefined && (
        <details data-testid="wait-recorded-schema">
          <summary>Changed since asked</summary>
          <p class="muted">
            The agent's code checks replies with the schema above; when the wait opened it asked for
            this one, which a reply no longer needs to fit.
          </p>
          <pre>{formatJson(wait.recordedReplySchema)}</pre>
        </details>
      )}
      {canReply ? (
        <>
          <label>
            Reply (JSON)
            <textarea
              rows={3}
              value={text}
              data-testid="wait-reply"
              onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
            />
          </label>
          <button type="submit" disabled={state.kind === 'sending'} data-testid="wait-send">
            Send reply
          </button>
        </>
      ) : (
        <p class="muted">
          Start the studio with --agent &lt;module&gt; (the module that defines this agent) to
          answer here, or run:{' '}
          <code>agentchart send {visibleText(shellWord(threadId))} --reply '&lt;json&gt;'</code>
        </p>
      )}
      {state.message && (
        <p class={state.kind === 'error' ? 'error' : 'ok'} data-testid="wait-result">
          {state.message}
        </p>
      )}
    </form>
  );
}

/**
 * When the wait times out. Past it the wait is still listed (nothing has timed it out yet: no
 * worker woke the thread), but the store refuses a reply: said before anyone writes one.
 */
function WaitDeadline({ deadline, approval }: { deadline: number; approval: boolean }) {
  return deadline <= Date.now() ? (
    <p class="error" data-testid="wait-deadline">
      The deadline passed at {formatTime(deadline)}: a reply now is refused (
      {approval ? 'approval.expired' : 'human.timeout'}). The run takes its timeout path when
      agentchart worker wakes it or it is resumed.
    </p>
  ) : (
    <p class="muted" data-testid="wait-deadline">
      Times out at {formatTime(deadline)} without a reply.
    </p>
  );
}

/**
 * A starting point for the reply that fits its schema, as `agentchart show` suggests one: an
 * approval's carries the hash of the arguments shown, which its schema requires.
 */
function startingReply(schema: unknown): string {
  if (schema === undefined) return '';
  const value = exampleReply(schema);
  return value === null ? '' : JSON.stringify(value);
}
