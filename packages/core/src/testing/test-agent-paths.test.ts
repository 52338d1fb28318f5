import { describe, expect, it } from 'vitest';
import { assign, fromPromise, setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { structuredCall } from '../effects/structured-call';
import { toolCall } from '../effects/tool-call';
import { toolLoop } from '../effects/tool-loop';
import { AgentchartError } from '../errors/agentchart-error';
import { defineTool } from '../tools/define-tool';
import { testAgentPaths } from './test-agent-paths';

const triage = setup({
  types: {
    input: {} as { ticket: string },
    context: {} as { ticket: string; team?: string; reason?: string },
    output: {} as { reason?: string },
  },
  actors: {
    triage: structuredCall({
      model: 'fast',
      schema: z.object({ urgent: z.boolean(), team: z.string() }),
      prompt: (ticket: string) => ticket,
    }),
  },
}).createMachine({
  context: ({ input }) => ({ ticket: input.ticket }),
  initial: 'triaging',
  states: {
    triaging: {
      invoke: {
        id: 'triage',
        src: 'triage',
        input: ({ context }) => context.ticket,
        onDone: [
          { guard: ({ event }) => event.output.urgent, target: 'escalated' },
          { target: 'queued' },
        ],
        onError: {
          target: 'needsHuman',
          actions: assign({
            reason: ({ event }) =>
              AgentchartError.isInstance(event.error) ? event.error.code : 'unknown',
          }),
        },
      },
    },
    escalated: { type: 'final' },
    queued: { type: 'final' },
    needsHuman: { type: 'final' },
  },
  output: ({ context }) => ({ reason: context.reason }),
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a customer up.',
  input: z.object({ customer: z.string() }),
  output: z.object({ plan: z.string() }),
  effect: 'pure',
  async execute({ customer }) {
    if (customer === 'ghost') throw new Error('no such customer');
    return { plan: 'pro' };
  },
});
const refund = defineTool({
  name: 'refund',
  description: 'Refunds the customer.',
  input: z.object({ customer: z.string() }),
  output: z.object({ refunded: z.boolean() }),
  effect: 'unsafe',
  async execute() {
    return { refunded: true };
  },
});

/** Research with tools → a human approves → an unsafe refund, or an outside cancel at rest. */
const refunds = setup({
  types: { input: {} as { customer: string } },
  actors: {
    research: toolLoop({
      model: 'fast',
      tools: [lookup],
      prompt: (customer: string) => `Look up ${customer}`,
      onToolError: 'fail',
    }),
    approve: humanWait({
      prompt: () => 'Refund?',
      reply: z.object({ ok: z.boolean() }),
      timeoutMs: 86_400_000,
    }),
    refund: toolCall(refund),
    notify: fromPromise(async () => 'sent'),
  },
}).createMachine({
  initial: 'researching',
  states: {
    researching: {
      invoke: {
        id: 'research',
        src: 'research',
        input: 'c-1',
        onDone: 'approving',
        onError: 'failed',
      },
    },
    approving: {
      on: { cancel: 'cancelled' },
      invoke: {
        id: 'approve',
        src: 'approve',
        onDone: [
          { guard: ({ event }) => event.output.ok, target: 'refunding' },
          { target: 'rejected' },
        ],
        onError: 'expired',
      },
    },
    refunding: {
      invoke: {
        id: 'refund',
        src: 'refund',
        input: { customer: 'c-1' },
        onDone: 'notifying',
        onError: 'failed',
      },
    },
    notifying: { invoke: { id: 'notify', src: 'notify', onDone: 'refunded', onError: 'refunded' } },
    refunded: { type: 'final' },
    rejected: { type: 'final' },
    expired: { type: 'final' },
    cancelled: { type: 'final' },
    failed: { type: 'final' },
  },
});

describe('testAgentPaths', () => {
  it('runs every output and failure edge of a structured call, and a limit hit, on scripted models', async () => {
    const report = await testAgentPaths({
      machine: triage,
      input: { ticket: 'charged twice' },
      effects: {
        triage: {
          outputs: [
            { urgent: true, team: 'billing' },
            { urgent: false, team: 'tech' },
          ],
        },
      },
    });
    expect(report.failures).toEqual([]);
    expect(report.paths.map((path) => path.name)).toEqual([
      'triaging -(triage: output 1)-> escalated',
      'triaging -(triage: output 2)-> queued',
      'triaging -(triage: invalid-output)-> needsHuman',
      'triaging -(triage: rate-limited)-> needsHuman',
      'triaging -(triage: breaker-open)-> needsHuman',
      'maxModelCalls 0 hit at triage on triaging -(triage: output 1)-> escalated',
    ]);
    // The runs really took the failure edges: the error codes reached the chart's output.
    const reasons = report.paths
      .filter((path) => path.kind === 'path')
      .map((path) => (path.outcome.status === 'done' ? path.outcome.output.reason : 'not done'));
    expect(reasons).toEqual([
      undefined,
      undefined,
      'output.invalid',
      'model.rate_limited',
      'model.circuit_open',
    ]);
    expect(report.paths.at(-1)?.outcome).toMatchObject({
      status: 'limit',
      limit: { limit: 'maxModelCalls' },
    });
    expect(report.finalStates.sort()).toEqual(['"escalated"', '"needsHuman"', '"queued"']);
  });

  it('walks tool loops, human waits, tool calls, stand-ins and outside events', async () => {
    const report = await testAgentPaths({
      machine: refunds,
      input: { customer: 'c-1' },
      effects: {
        research: {
          outputs: ['pro plan'],
          toolError: { tool: 'lookup', arguments: { customer: 'ghost' } },
        },
        approve: { outputs: [{ ok: true }, { ok: false }], failures: ['human-timeout'] },
        refund: { outputs: [{ refunded: true }] },
        notify: { outputs: ['sent'] },
      },
      events: [{ type: 'cancel' }],
    });
    expect(report.failures).toEqual([]);
    const names = report.paths.map((path) => path.name);
    expect(names).toContain(
      'researching -(research: output 1)-> approving -(approve: output 1)-> refunding -(refund: output 1)-> notifying -(notify: output 1)-> refunded',
    );
    expect(names).toContain('researching -(research: tool-error)-> failed');
    expect(names).toContain('researching -(research: invalid-tool-call)-> failed');
    expect(names).toContain(
      'researching -(research: output 1)-> approving -(approve: output 1)-> refunding -(refund: tool-error)-> failed',
    );
    expect(names).toContain(
      'researching -(research: output 1)-> approving -(approve: output 1)-> refunding -(refund: output 1)-> notifying -(notify: actor-error)-> refunded',
    );
    expect(names).toContain('researching -(research: output 1)-> approving -(cancel)-> cancelled');
    expect(names).toContain(
      'researching -(research: output 1)-> approving -(approve: human-timeout)-> expired',
    );
    expect(names).toContain(
      'researching -(research: output 1)-> approving -(approve: output 2)-> rejected',
    );
    // The tool error was the real tool failing on the call the model made.
    const toolError = report.paths.find(
      (path) => path.name === 'researching -(research: tool-error)-> failed',
    );
    expect(toolError?.ok).toBe(true);
  });

  it('types outside events from the chart, and names one no state takes', async () => {
    // Before: `events` took any event, and a misspelt one was walked nowhere; the report
    // only said the final state it leads to was reached by no path, "list the outputs".
    const cancellable = setup({
      types: { events: {} as { type: 'cancel' } },
      actors: {
        approve: humanWait({ prompt: () => 'Refund?', reply: z.object({ ok: z.boolean() }) }),
      },
    }).createMachine({
      initial: 'approving',
      states: {
        approving: {
          on: { cancel: 'cancelled' },
          invoke: { id: 'approve', src: 'approve', onDone: 'approved' },
        },
        approved: { type: 'final' },
        cancelled: { type: 'final' },
      },
    });
    const report = await testAgentPaths({
      machine: cancellable,
      input: undefined,
      effects: { approve: { outputs: [{ ok: true }] } },
      // @ts-expect-error: the chart takes "cancel", not "cancle".
      events: [{ type: 'cancle' }],
    });
    expect(report.failures).toContain(
      'events: "cancle" is taken by no state of the chart, so no path sends it (the chart takes: cancel)',
    );
  });

  it('reports a tool-error edge on which the tool did not fail', async () => {
    const report = await testAgentPaths({
      machine: refunds,
      input: { customer: 'c-1' },
      effects: {
        // lookup answers for this customer: the scripted model repeats the call until the
        // loop ends on loop.repeated_call, which the chart's onError takes as well.
        research: { toolError: { tool: 'lookup', arguments: { customer: 'c-1' } } },
      },
      limits: false,
    });
    const toolError = report.paths.find(
      (path) => path.name === 'researching -(research: tool-error)-> failed',
    );
    // Before: ok, with no tool ever failing.
    expect(toolError?.ok).toBe(false);
    expect(toolError?.problem).toBe(
      'the tool-error edge of "research" took no tool error: tool "lookup" did not fail on effects.research.toolError\'s arguments {"customer":"c-1"}. Give arguments with which its execute throws.',
    );
  });

  it('reports a run that does not end where the chart says', async () => {
    const report = await testAgentPaths({
      machine: triage,
      input: { ticket: 'x' },
      effects: { triage: { outputs: [{ urgent: true, team: 'billing' }], failures: [] } },
      agent: { limits: { maxSteps: 1 } },
      limits: false,
    });
    expect(report.failures).toHaveLength(3);
    expect(report.failures[0]).toMatch(
      /^triaging -\(triage: output 1\)-> escalated: the run ended limit in "triaging", not done in "escalated"$/,
    );
    expect(report.failures.slice(1)).toEqual([
      'final state queued is reached by no path: list the outputs that lead there',
      'final state needsHuman is reached by no path: list the outputs that lead there',
    ]);
  });

  it('says which invokes have nothing to leave their state by', async () => {
    const report = await testAgentPaths({
      machine: refunds,
      input: { customer: 'c-1' },
      effects: { research: { outputs: ['ok'], failures: [] }, tpyo: {} },
      limits: false,
    });
    expect(report.gaps).toEqual(
      expect.arrayContaining([
        'invoke "approve" (state (machine).approving) has no outcomes to leave by: give effects.approve.outputs',
        'effects.tpyo names no invoke of the machine; invoke ids: research, approve, refund, notify',
      ]),
    );
  });

  it('refuses a misspelt option of an effect instead of walking the default edges', async () => {
    await expect(
      testAgentPaths({
        machine: refunds,
        input: { customer: 'c-1' },
        effects: { research: { outputs: ['ok'], failure: [] } as never },
      }),
    ).rejects.toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringContaining(
        'effects.research.failure is not an option; did you mean effects.research.failures?',
      ),
    });
    await expect(
      testAgentPaths({ machine: refunds, input: { customer: 'c-1' }, limit: false } as never),
    ).rejects.toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringContaining('limit is not an option; did you mean limits?'),
    });
  });

  it('refuses a chart with more paths than maxPaths with a typed error', async () => {
    await expect(
      testAgentPaths({ machine: refunds, input: { customer: 'c-1' }, maxPaths: 1 }),
    ).rejects.toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringContaining('more than maxPaths (1)'),
    });
  });

  it('says when a wait cannot time out', async () => {
    const noDeadline = refunds.provide({
      actors: {
        approve: humanWait({ prompt: () => 'Refund?', reply: z.object({ ok: z.boolean() }) }),
      },
    });
    const report = await testAgentPaths({
      machine: noDeadline,
      input: { customer: 'c-1' },
      effects: {
        research: { outputs: ['ok'], failures: [] },
        approve: { failures: ['human-timeout'] },
      },
      limits: false,
    });
    expect(report.failures).toContain(
      'researching -(research: output 1)-> approving -(approve: human-timeout)-> expired: the wait of "approve" cannot time out here: it has no timeoutMs',
    );
  });

  it('refuses a failure that does not apply to the effect', async () => {
    await expect(
      testAgentPaths({
        machine: triage,
        input: { ticket: 'x' },
        effects: { triage: { failures: ['tool-error'] } },
      }),
    ).rejects.toThrow(/"tool-error", which does not apply to a structured-call effect/);
  });

  it('walks a chart whose states invoke actors with a systemId, reached by several paths', async () => {
    const tally = fromPromise(async () => 1);
    const twoWays = setup({
      actors: {
        triage: structuredCall({
          model: 'fast',
          schema: z.object({ urgent: z.boolean() }),
          prompt: (ticket: string) => ticket,
        }),
        tally,
      },
    }).createMachine({
      initial: 'triaging',
      states: {
        triaging: {
          invoke: {
            id: 'triage',
            src: 'triage',
            input: 'x',
            onDone: 'counting',
            onError: 'counting',
          },
        },
        // XState's graph walk makes every transition in one actor system, where entering
        // this state by a second path registered `tallies` again and threw.
        counting: { invoke: { id: 'tally', src: 'tally', systemId: 'tallies', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const report = await testAgentPaths({
      machine: twoWays,
      input: undefined,
      effects: { triage: { outputs: [{ urgent: true }] }, tally: { outputs: [1] } },
      limits: false,
    });
    expect(report.failures).toEqual([]);
    expect(report.paths.length).toBeGreaterThan(1);
  });

  it('sends an event the root takes in no final state: the run has ended there', async () => {
    // Before: the walk sent a root-level `cancel` past every final state — `declined
    // -(cancel)-> cancelled` — and reported each such path as a run that "ended in declined".
    const cancellable = setup({
      types: { events: {} as { type: 'cancel' } },
      actors: {
        approve: humanWait({ prompt: () => 'Refund?', reply: z.object({ ok: z.boolean() }) }),
      },
    }).createMachine({
      initial: 'approving',
      on: { cancel: '.cancelled' },
      states: {
        approving: {
          invoke: {
            id: 'approve',
            src: 'approve',
            onDone: [{ guard: ({ event }) => event.output.ok, target: 'approved' }, 'declined'],
          },
        },
        approved: { type: 'final' },
        declined: { type: 'final' },
        cancelled: { type: 'final' },
      },
    });
    const report = await testAgentPaths({
      machine: cancellable,
      input: undefined,
      effects: { approve: { outputs: [{ ok: true }, { ok: false }] } },
      events: [{ type: 'cancel' }],
    });
    expect(report.failures).toEqual([]);
    expect(report.paths.map((path) => path.name).sort()).toEqual([
      'approving -(approve: output 1)-> approved',
      'approving -(approve: output 2)-> declined',
      'approving -(cancel)-> cancelled',
    ]);
  });

  it('walks `after` timers, moving the manual clock by their delay when the run rests', async () => {
    // Before: no path took a delayed transition, and the report said of the state it leads
    // to "reached by no path: list the outputs that lead there", which no output could do.
    const cooling = setup({
      types: { context: {} as { nudged: boolean } },
      actors: {
        classify: structuredCall({
          model: 'fast',
          schema: z.object({ urgent: z.boolean() }),
          prompt: (ticket: string) => ticket,
        }),
        ask: humanWait({ prompt: () => 'Still there?', reply: z.string() }),
      },
      delays: { nudgeAfter: 60_000 },
    }).createMachine({
      context: { nudged: false },
      initial: 'classifying',
      states: {
        classifying: {
          invoke: {
            id: 'classify',
            src: 'classify',
            input: 'x',
            onDone: [{ guard: ({ event }) => event.output.urgent, target: 'asking' }, 'cooling'],
            onError: 'failed',
          },
        },
        cooling: { after: { 5000: 'closed' } },
        asking: {
          invoke: { id: 'ask', src: 'ask', onDone: 'answered' },
          after: { nudgeAfter: 'unanswered' },
        },
        answered: { type: 'final' },
        unanswered: { type: 'final' },
        closed: { type: 'final' },
        failed: { type: 'final' },
      },
    });
    const report = await testAgentPaths({
      machine: cooling,
      input: undefined,
      effects: {
        classify: { outputs: [{ urgent: true }, { urgent: false }] },
        ask: { outputs: ['yes'] },
      },
      limits: false,
    });
    expect(report.failures).toEqual([]);
    expect(report.paths.map((path) => path.name)).toEqual(
      expect.arrayContaining([
        'classifying -(classify: output 2)-> cooling -(after 5000 ms)-> closed',
        'classifying -(classify: output 1)-> asking -(after 60000 ms)-> unanswered',
        'classifying -(classify: output 1)-> asking -(ask: output 1)-> answered',
      ]),
    );
  });

  it('names the `after` timers it cannot walk: a computed delay, a timer while an effect runs', async () => {
    const timed = setup({
      actors: {
        classify: structuredCall({
          model: 'fast',
          schema: z.object({ urgent: z.boolean() }),
          prompt: (ticket: string) => ticket,
        }),
      },
      delays: { backoff: () => 1_000 },
    }).createMachine({
      initial: 'classifying',
      states: {
        classifying: {
          invoke: { id: 'classify', src: 'classify', input: 'x', onDone: 'pausing' },
          after: { 30000: 'timedOut' },
        },
        pausing: { after: { backoff: 'done' } },
        timedOut: { type: 'final' },
        done: { type: 'final' },
      },
    });
    const report = await testAgentPaths({
      machine: timed,
      input: undefined,
      effects: { classify: { outputs: [{ urgent: true }], failures: [] } },
      limits: false,
    });
    expect(report.gaps).toEqual(
      expect.arrayContaining([
        'state (machine).pausing\'s after timer "backoff" is computed when the run enters the state; the walk takes only delays given as numbers, so its transition was not run',
        'a path takes "after 30000 ms" in classifying while an effect runs there; the clock moves only while a run rests, so it was not run',
      ]),
    );
  });

  it('names a state a timer under 5 s keeps working, rather than wait there for a rest', async () => {
    // Before: a path sent `cancel`, or took the 1 s timer, in `cooling`, where the run never
    // rests (a timer due within 5 s keeps it working) and the manual clock never moved:
    // testAgentPaths never returned.
    const brief = setup({ types: { events: {} as { type: 'cancel' } } }).createMachine({
      initial: 'cooling',
      states: {
        cooling: { after: { 1000: 'closed' }, on: { cancel: 'cancelled' } },
        closed: { type: 'final' },
        cancelled: { type: 'final' },
      },
    });
    const report = await testAgentPaths({
      machine: brief,
      input: undefined,
      events: [{ type: 'cancel' }],
    });
    expect(report.paths).toEqual([]);
    expect(report.gaps).toEqual(
      expect.arrayContaining([
        'a path takes "after 1000 ms" in cooling while a timer due within 5 s keeps the run working there; the clock moves only while a run rests, so it was not run',
        'a path sends "cancel" in cooling while a timer due within 5 s keeps the run working there; a run receives outside events only at rest, so it was not run',
      ]),
    );
  });

  it('refuses a walk whose context grows without end, before it fills memory', async () => {
    // Every PING appends to the log, so each PING makes a state the walk has not seen.
    const pinged = setup({
      types: {
        context: {} as { log: string[] },
        events: {} as { type: 'PING' } | { type: 'STOP' },
      },
    }).createMachine({
      context: { log: [] },
      initial: 'listening',
      states: {
        listening: {
          on: {
            PING: { actions: assign({ log: ({ context }) => [...context.log, 'ping'] }) },
            STOP: 'stopped',
          },
        },
        stopped: { type: 'final' },
      },
    });
    await expect(
      testAgentPaths({
        machine: pinged,
        input: undefined,
        events: [{ type: 'PING' }, { type: 'STOP' }],
        maxStates: 50,
      }),
    ).rejects.toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringContaining('passed maxStates (50) distinct states without ending'),
    });
    await expect(
      testAgentPaths({ machine: pinged, input: undefined, maxStates: Number.NaN }),
    ).rejects.toThrow(/maxStates is NaN/);
  });
});
