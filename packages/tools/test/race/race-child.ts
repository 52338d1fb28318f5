/**
 * The child process of the sandbox race test: for each scenario it builds the fixture, starts
 * the racer on it, repeats the scenario's tool call from several concurrent workers until
 * the racer stops, and prints one JSON line with the figures. Run by `race-harness.ts`, in a
 * process of its own so that a call stuck for good cannot wedge the test runner.
 */
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxError } from '../../src/file-system/sandbox-error';
import type { RaceChildConfig, RaceReport, ScenarioReport } from './race-report';
import { type RaceFixture, type RaceScenario, raceScenarios } from './race-scenarios';

const config = JSON.parse(process.env.AGENTCHART_RACE_CHILD ?? '{}') as RaceChildConfig;

/** Resolves `true` with the promise's settling, `false` if it is still pending after `ms`. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

/** Runs the racer on the fixture; resolves with its swap count and time when it stops. */
function startRacer(fixture: RaceFixture) {
  const racer = spawn(config.racer, [...fixture.swap, String(config.seconds)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  racer.stdout.on('data', (chunk) => {
    out += chunk;
  });
  racer.stderr.on('data', (chunk) => {
    err += chunk;
  });
  return new Promise<{ swaps: number; seconds: number }>((resolve, reject) => {
    racer.on('error', reject);
    racer.on('close', (code) => {
      const [swaps, seconds] = out.trim().split(' ').map(Number);
      if (code !== 0 || swaps === undefined || seconds === undefined) {
        reject(new Error(`the racer failed (exit ${code}): ${err.trim()}`));
      } else resolve({ swaps, seconds });
    });
  });
}

/** Opens each FIFO for reading and writing (which never blocks) to release calls stuck on it. */
function releaseFifos(fixture: RaceFixture) {
  for (const path of fixture.fifos) {
    try {
      closeSync(openSync(path, constants.O_RDWR | constants.O_NONBLOCK));
    } catch {
      // it may be the regular file of the pair at this moment: nothing to release
    }
  }
}

async function runScenario(name: string, scenario: RaceScenario): Promise<ScenarioReport> {
  const base = await mkdtemp(join(tmpdir(), 'agentchart-race-'));
  try {
    const fixture = await scenario.setup(base);
    let racing = true;
    const racer = startRacer(fixture).finally(() => {
      racing = false;
    });
    const report: ScenarioReport = {
      scenario: name,
      description: scenario.description,
      calls: 0,
      ok: 0,
      refused: {},
      failed: 0,
      failureSamples: [],
      escapes: 0,
      escapeSamples: [],
      hangs: 0,
      poolBlocked: false,
      lost: 0,
      doubled: 0,
      swaps: 0,
      racerSeconds: 0,
    };
    const done: number[] = [];
    const stuck: Promise<unknown>[] = [];
    const worker = async () => {
      while (racing) {
        const index = report.calls++;
        const call = scenario.call(fixture, index);
        if (!(await settlesWithin(call, config.callDeadlineMs))) {
          // Stuck: this worker stops here, as a caller waiting on it would.
          report.hangs += 1;
          stuck.push(call.catch(() => undefined));
          return;
        }
        try {
          const result = await call;
          done.push(index);
          if (scenario.judge(result) === 'escape') {
            report.escapes += 1;
            if (report.escapeSamples.length < 3) report.escapeSamples.push(JSON.stringify(result));
          } else report.ok += 1;
        } catch (error) {
          if (error instanceof SandboxError) {
            report.refused[error.reason] = (report.refused[error.reason] ?? 0) + 1;
          } else {
            report.failed += 1;
            if (report.failureSamples.length < 3) report.failureSamples.push(String(error));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: config.concurrency }, worker));
    const { swaps, seconds } = await racer;
    report.swaps = swaps;
    report.racerSeconds = seconds;
    // Is the thread pool still serving? A file stat and a DNS lookup both need it.
    report.poolBlocked = !(await settlesWithin(
      Promise.all([stat(base), lookup('localhost')]),
      config.callDeadlineMs,
    ));
    releaseFifos(fixture);
    await settlesWithin(Promise.all(stuck), config.callDeadlineMs);
    if (scenario.aftermath) {
      const found = await scenario.aftermath(fixture, done);
      report.escapes += found.escapes;
      report.lost = found.lost;
      report.doubled = found.doubled;
    }
    return report;
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

const reports: ScenarioReport[] = [];
for (const name of config.scenarios) {
  const scenario = raceScenarios[name];
  if (!scenario) throw new Error(`no race scenario named ${name}`);
  reports.push(await runScenario(name, scenario));
}
const output: RaceReport = { scenarios: reports };
process.stdout.write(`${JSON.stringify(output)}\n`);
// A call still stuck on a FIFO would keep the thread pool (and so the exit) waiting.
if (reports.some((report) => report.hangs > 0)) process.kill(process.pid, 'SIGKILL');
