import { expectTypeOf, it } from 'vitest';
import type { ThreadJobs } from './thread-jobs';

it('resolves start, reply and event to a job id, and only a deduplicated wake to null', () => {
  // Before, all four resolved to `string | null`: `jobs.result(agent, jobId!)` at every call.
  expectTypeOf<ReturnType<ThreadJobs['start']>>().toEqualTypeOf<Promise<string>>();
  expectTypeOf<ReturnType<ThreadJobs['reply']>>().toEqualTypeOf<Promise<string>>();
  expectTypeOf<ReturnType<ThreadJobs['event']>>().toEqualTypeOf<Promise<string>>();
  expectTypeOf<ReturnType<ThreadJobs['wake']>>().toEqualTypeOf<Promise<string | null>>();
});
