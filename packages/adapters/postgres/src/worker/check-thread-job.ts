import { DefinitionError } from '@agentchart/core';
import { describeValue } from '@agentchart/core/internal';
import { unstorableText } from './job-data-text';
import type { ThreadJob } from './thread-job';

/**
 * Refuses, before it is queued, a job whose ids are missing — what a caller passing an
 * unchecked request body sends. Such a job failed later, where no one saw it: an agent name
 * that is no string threw a TypeError, a job with no thread id was tried and failed fifty
 * times on a worker, and a reply with no wait id answered whichever wait was open, so that,
 * delivered twice, it answered the next wait too. So is a job whose data holds text the job
 * table's `jsonb` cannot (a NUL character, a lone surrogate: JSON writes them, and a request
 * body may carry them), which pg-boss's insert failed with PostgreSQL's own error.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkThreadJob(agent: unknown, job: ThreadJob): void {
  const fail = (message: string): never => {
    throw new DefinitionError('definition.invalid_option', `jobs.${job.kind}: ${message}`);
  };
  if (typeof agent !== 'string' || agent === '') {
    fail(`the agent is ${describeValue(agent)}. Give the name of the agent the thread runs with.`);
  }
  if (typeof job.threadId !== 'string' || job.threadId === '') {
    fail(`threadId is ${describeValue(job.threadId)}. Give the id of the thread.`);
  }
  if (job.kind === 'reply' && (typeof job.waitId !== 'string' || job.waitId === '')) {
    fail(
      `waitId is ${describeValue(job.waitId)}. Give the id of the wait the reply answers (a waiting run's outcome lists its waits; so does \`agentchart waits\`): it is what makes a reply sent twice answer once.`,
    );
  }
  const { kind: _kind, ...fields } = job;
  for (const [field, value] of Object.entries(fields)) {
    const found = unstorableText(value, field);
    if (found) {
      fail(
        `${found.path} holds ${found.reason}, which the job table (PostgreSQL's jsonb) cannot store: nothing was queued. Remove it from the ${field === 'threadId' || field === 'tenantId' || field === 'waitId' ? 'id' : 'data'}, or encode the text (as base64, say) and decode it in the chart.`,
      );
    }
  }
}
