/**
 * One process of a crash test (spawned by `runCrashTest`): runs a scenario's thread on an
 * SQLite file — resuming it when it exists, starting it otherwise, answering its waits —
 * and kills itself with SIGKILL at boundary `crashAt` (0: never). Prints one JSON line.
 * A child entry calls it with the scenarios it knows (core's own: crash-child.ts).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunError } from '../../src/errors/run-error';
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer';
import { boundaryCheckpointer } from './boundary-checkpointer';
import { type CrashChildConfig, type CrashScenario, modelCallsFile } from './crash-scenario';

/** Runs the child the parent configured in `AGENTCHART_CRASH_CHILD`, from `scenarios`. */
export async function runCrashChild(
  scenarios: Readonly<Record<string, CrashScenario>>,
): Promise<void> {
  const config = JSON.parse(process.env.AGENTCHART_CRASH_CHILD ?? '{}') as CrashChildConfig;
  const scenario = scenarios[config.scenario];
  if (!scenario) throw new Error(`unknown crash scenario "${config.scenario}"`);

  const boundaries: string[] = [];
  const boundary = (name: string) => {
    boundaries.push(name);
    if (boundaries.length === config.crashAt) process.kill(process.pid, 'SIGKILL');
  };
  // The store as a user gets it: the default durability, results in their checkpoint's commit.
  const store = new SqliteCheckpointer({ path: config.dbPath });
  const { agent, close } = scenario.create({
    checkpointer: boundaryCheckpointer(store, boundary),
    dir: config.dir,
    boundary,
    counted: (model) => ({
      ...model,
      generate(request, options) {
        // Written before the call returns, so a process killed during the call still counts it.
        appendFileSync(join(config.dir, modelCallsFile), '.');
        return model.generate(request, options);
      },
    }),
  });
  let ambiguous = 0;
  agent.events.on('effect.ambiguous', () => ambiguous++);

  const { threadId } = scenario;
  // The process before this one was killed, maybe holding the thread's lease (even before the
  // thread's first checkpoint). Its lease would lapse after its time to live; end it now rather
  // than wait, as the clock would: take it by force, then give it up.
  if (await store.getLease(threadId)) {
    await store.acquireLease(threadId, {
      owner: 'crash-test',
      ttlMs: 1,
      now: Date.now(),
      force: true,
    });
    await store.releaseLease(threadId, 'crash-test');
  }
  let handle = await agent.resume(threadId).catch((error: unknown) => {
    if (RunError.isInstance(error) && error.code === 'run.not_found') {
      return agent.start({ threadId, input: scenario.input as never });
    }
    throw error;
  });
  let outcome = await handle.result();
  while (outcome.status === 'waiting') {
    handle = await agent.send(threadId, { type: 'human.reply', value: scenario.reply });
    outcome = await handle.result();
  }
  const journal = (await store.listEffects(threadId)).map(({ key, status, output, error }) => ({
    key,
    status,
    output,
    error: error?.code,
  }));
  close?.();
  store.close();
  process.stdout.write(`${JSON.stringify({ outcome, boundaries, ambiguous, journal })}\n`);
}
