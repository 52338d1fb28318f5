import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const pipeline = 'examples/tender-pipeline/src/pipeline.ts';
const fixtures = 'packages/cli/src/graph/__fixtures__';

async function graph(...args: string[]) {
  const io = memoryContext({ cwd: repoRoot });
  const exitCode = await runCli(['graph', ...args], io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('agentchart graph', () => {
  it('prints every state, invoke and transition of the tender pipeline', async () => {
    const { exitCode, stdout, stderr } = await graph(pipeline);
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      'machine tenderPipeline (export tenderPipeline): 8 states, 4 final, 10 transitions',
    );
    for (const state of ['filtering  (initial)', 'rating', 'researching', 'writing']) {
      expect(lines).toContain(`  ${state}`);
    }
    for (const final of ['filteredOut', 'ratedLow', 'bidReady', 'failed']) {
      expect(lines).toContain(`  ${final}  (final)`);
    }
    expect(lines).toContain('    invoke filter: structured-call · model classifier');
    expect(lines).toContain(
      '    invoke research: tool-loop · model writer · tools buyer_history, reference_projects',
    );
    expect(lines).toContain('    onDone(filter) [dropped] → filteredOut');
    expect(lines).toContain('    onDone(rate) [scoredLow] → ratedLow');
    for (const invoke of ['filter', 'rate', 'research', 'write']) {
      expect(lines).toContain(`    onError(${invoke}) → failed`);
    }
  });

  it('prints a mermaid stateDiagram-v2 with the same edges', async () => {
    const { exitCode, stdout } = await graph(pipeline, '--format', 'mermaid');
    expect(exitCode).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('  [*] --> filtering');
    expect(lines).toContain('  filtering --> filteredOut : onDone(filter) [dropped]');
    expect(lines).toContain('  writing --> failed : onError(write)');
    expect(lines).toContain(
      '  researching : invoke research — tool-loop · model writer · tools buyer_history, reference_projects',
    );
    expect(lines).toContain('  bidReady --> [*]');
  });

  it('draws an SVG from the ELK layout: every state boxed, every transition an arrow with its label', async () => {
    const { exitCode, stdout, stderr } = await graph(pipeline, '--format', 'svg');
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(stdout).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const states = [...stdout.matchAll(/<g class="ac-state[^"]*" data-state="([^"]*)"/g)].map(
      (match) => match[1],
    );
    expect(states.sort()).toEqual(
      [
        '',
        'bidReady',
        'failed',
        'filteredOut',
        'filtering',
        'ratedLow',
        'rating',
        'researching',
        'writing',
      ].sort(),
    );
    expect(stdout).toContain('data-source="filtering" data-target="filteredOut"');
    expect(stdout).toContain('>onDone(filter) [dropped]</text>');
    expect(stdout).toContain(
      '>⚙ research · tool-loop · model writer · tools buyer_history, reference_projects</text>',
    );
    // A standalone file: styled, and nothing fetched from elsewhere.
    expect(stdout).toContain('<style>');
    expect(stdout).not.toMatch(/(?:href|src)="http/);
  });

  it('prints the graph and its layout as JSON, nested and parallel states included', async () => {
    const { exitCode, stdout } = await graph(
      `${fixtures}/machines.ts`,
      '-e',
      'checkout',
      '-f',
      'json',
    );
    expect(exitCode).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.id).toBe('checkout');
    expect(json.root.children.map((state: { key: string }) => state.key)).toEqual([
      'cart',
      'payment',
      'fulfilment',
      'done',
    ]);
    const boxes = new Map<
      string,
      { x: number; y: number; width: number; height: number; region: boolean }
    >(json.layout.states.map((state: { id: string }) => [state.id, state]));
    const inside = (child: string, parent: string) => {
      const c = boxes.get(child)!;
      const p = boxes.get(parent)!;
      return (
        c.x >= p.x &&
        c.y >= p.y &&
        c.x + c.width <= p.x + p.width &&
        c.y + c.height <= p.y + p.height
      );
    };
    expect(inside('payment.card', 'payment')).toBe(true);
    expect(inside('fulfilment.shipping.packing', 'fulfilment.shipping')).toBe(true);
    expect(inside('fulfilment.billing', 'fulfilment')).toBe(true);
    expect(boxes.get('fulfilment.shipping')!.region).toBe(true);
    const cart = json.layout.transitions.find((t: { id: string }) => t.id === 'cart#0');
    expect(cart).toMatchObject({
      source: 'cart',
      target: 'payment',
      label: 'CHECKOUT [and(hasItems, not(isBlocked))]',
    });
    expect(cart.points.length).toBeGreaterThanOrEqual(2);
  });

  it('prints one JSON object a line per machine with --json', async () => {
    const { exitCode, stdout } = await graph(`${fixtures}/machines.ts`, '--json');
    expect(exitCode).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(['checkout', 'review']);
    expect(JSON.parse(lines[1]!).layout.states.length).toBeGreaterThan(1);
  });

  it('finds agents by their machine, lists a machine once under all its names, and picks one with --export', async () => {
    const all = await graph(`${fixtures}/machines.ts`);
    expect(all.exitCode).toBe(0);
    expect(all.stdout).toContain('machine checkout (export checkout)');
    expect(all.stdout).toContain(
      'machine review (export reviewAgent.machine, sameReviewMachine): 4 states, 2 final, 4 transitions',
    );
    const one = await graph(`${fixtures}/machines.ts`, '-e', 'reviewAgent');
    expect(one.stdout).toMatch(/^machine review \(export reviewAgent\.machine\)/);
    expect(one.stdout).not.toContain('checkout');
    expect(one.stdout).toContain('invoke calc (src "calculate"): tool-call · tools calculator');
    expect(one.stdout).toContain('invoke approve: human-wait');
  });

  it.each([
    [
      ['missing.ts'],
      `agentchart: File not found: missing.ts (looked for ${repoRoot}missing.ts).\n`,
    ],
    [
      ['examples'],
      'agentchart: examples is a directory; give the module file that exports the machine or agent.\n',
    ],
    [
      ['examples/tender-pipeline/src/tools.ts'],
      'agentchart: examples/tender-pipeline/src/tools.ts exports no XState machine or agent. Export the machine made with setup({ ... }).createMachine({ ... }), the agent made with createAgent({ machine, ... }), or an agentFactory((host) => createAgent({ ... })).\n',
    ],
    [
      [pipeline, '--export', 'pipeline'],
      `agentchart: ${pipeline} has no export named "pipeline". Exports with a machine: tenderPipeline.\n`,
    ],
    [
      [pipeline, '--export', 'minScore'],
      `agentchart: The export "minScore" of ${pipeline} is not an XState machine or an agent (it is a number).\n`,
    ],
    [
      [],
      'agentchart: Missing the module file. Usage: agentchart graph <module-file> [--export <name>] [--format text|mermaid|svg|json]\n',
    ],
    [
      [pipeline, 'other.ts'],
      'agentchart: Unexpected argument "other.ts": graph takes one module file. Use --export to pick one machine.\n',
    ],
    [
      [pipeline, '--format', 'png'],
      'agentchart: Unknown format "png". Use --format text, mermaid, svg or json.\n',
    ],
    [
      [`${fixtures}/machines.ts`, '--format', 'svg'],
      `agentchart: ${fixtures}/machines.ts exports 2 machines (checkout, reviewAgent.machine, sameReviewMachine); --format svg draws one. Pick it with --export <name>.\n`,
    ],
    [
      [pipeline, '--colour'],
      `agentchart: Unknown option '--colour'. Run "agentchart graph --help" for its usage.\n`,
    ],
    [
      [pipeline, '--export'],
      `agentchart: Option '-e, --export <value>' argument missing. Run "agentchart graph --help" for its usage.\n`,
    ],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    const { exitCode, stdout, stderr } = await graph(...args);
    expect({ exitCode, stdout, stderr }).toEqual({ exitCode: 2, stdout: '', stderr: message });
  });

  // `agentchart run` asks for a module of agent factories; graph drew none of them before
  // ("exports no XState machine or agent").
  it('draws the agent an agent factory makes, the module shape run, resume and worker take', async () => {
    const refunds = 'packages/cli/src/commands/__fixtures__/refund-agent.ts';
    const { exitCode, stdout, stderr } = await graph(refunds);
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(stdout.split('\n')[0]).toMatch(/^machine refunds \(export refunds\.machine\): /);
    expect(stdout).toContain('invoke triage: structured-call · model fast');
    const picked = await graph(refunds, '--export', 'refunds', '--format', 'mermaid');
    expect(picked).toMatchObject({ exitCode: 0, stderr: '' });
    expect(picked.stdout).toMatch(/^stateDiagram-v2\n/);
  });

  it('draws the machine a module exports when its agent factory throws for want of an API key, and says so', async () => {
    // Before: exit 1, "The agent factory "keyed" … threw as it made its agent", no chart.
    const { exitCode, stdout, stderr } = await graph(`${fixtures}/factory-needs-key.ts`);
    expect(exitCode).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^machine keyed \(export machine\): /);
    expect(stderr).toBe(
      `agentchart: The agent factory "keyed" of ${fixtures}/factory-needs-key.ts threw as it made its agent: openAIChatModel: no API key for model "gpt-4o-mini". Set OPENAI_API_KEY. Its chart is left out; export its machine to draw it without making the agent.\n`,
    );
    // Picked by name, or with nothing else to draw, the factory's error is the answer.
    const picked = await graph(`${fixtures}/factory-needs-key.ts`, '--export', 'keyed');
    expect(picked.exitCode).toBe(1);
    expect(picked.stderr).toContain('threw as it made its agent');
  });

  it('exits 1 when the module throws while loading, with its message, where it threw and no stack', async () => {
    const { exitCode, stderr } = await graph(`${fixtures}/throws-on-load.ts`);
    expect(exitCode).toBe(1);
    expect(stderr).toBe(
      `agentchart: Could not load ${fixtures}/throws-on-load.ts: the agent module failed to load: missing OPENAI_API_KEY\n` +
        `  at ${fixtures}/throws-on-load.ts:2:7\n`,
    );
  });

  it('prints its help with --help', async () => {
    const { exitCode, stdout } = await graph('--help');
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^Usage: agentchart graph <module-file> \[--export <name>\]/);
  });
});
