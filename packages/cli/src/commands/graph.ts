import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError } from '../cli-error';
import { agentsOfFactories } from '../graph/agents-of-factories';
import { describeMachine } from '../graph/describe-machine';
import { findMachines } from '../graph/find-machines';
import { formatMermaid } from '../graph/format-mermaid';
import { formatText } from '../graph/format-text';
import { layoutChart } from '../graph/layout-chart';
import { renderChartSvg } from '../graph/render-chart-svg';
import type { MachineGraph } from '../graph/types';
import { loadFailure } from '../load-failure';
import { parseCommandArgs } from './parse-command-args';
import type { Command, CommandContext } from './types';

const formats: Record<string, (graph: MachineGraph) => string | Promise<string>> = {
  text: formatText,
  mermaid: formatMermaid,
  svg: async (graph) =>
    `${renderChartSvg(await layoutChart(graph.root, { machineId: graph.id }))}\n`,
  // One object a line: the graph, and its layout for tools that draw it themselves.
  json: async (graph) =>
    `${JSON.stringify({ ...graph, layout: await layoutChart(graph.root, { machineId: graph.id }) })}\n`,
};

const help = `Usage: agentchart graph <module-file> [--export <name>] [--format text|mermaid|svg|json]

Prints the statechart of the agents, agent factories and XState machines a module exports:
every state (nested; initial and final marked), what each state invokes (for agentchart
effects: the kind, model aliases and tools) and every transition — events, onDone/onError of
invokes, after and always — with guards named. Every path an agent can take is on the page.

Arguments:
  <module-file>          a .ts, .mts, .js or .mjs module; TypeScript needs no build

Options:
  -e, --export <name>    only this export: a machine, an agent or an agent factory (the
                         machine of the agent it makes is used)
  -f, --format <format>  text (default); mermaid for a stateDiagram-v2 to paste into docs;
                         svg for a drawing (laid out by ELK, as the studio draws it); json:
                         one object per machine, one per line, with that layout
      --json             the same as --format json
  -h, --help             show this help

Examples:
  agentchart graph src/pipeline.ts
  agentchart graph src/agent.ts --export supportAgent --format mermaid > docs/agent.mmd
  agentchart graph src/agent.ts --format svg > docs/agent.svg
`;

/** `agentchart graph`: prints every state, invoke and transition of a module's machines. */
export const graphCommand: Command = {
  name: 'graph',
  summary: "print an agent's statechart: states, invokes, transitions (text, mermaid, svg, json)",
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('graph', args, {
      export: { type: 'string', short: 'e' },
      format: { type: 'string', short: 'f', default: 'text' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    const format = values.json ? 'json' : (values.format ?? 'text');
    if (!Object.hasOwn(formats, format)) {
      throw new CliError(
        'cli.usage',
        `Unknown format "${format}". Use --format text, mermaid, svg or json.`,
      );
    }
    const [file, ...extra] = positionals;
    if (file === undefined) {
      throw new CliError(
        'cli.usage',
        'Missing the module file. Usage: agentchart graph <module-file> [--export <name>] [--format text|mermaid|svg|json]',
      );
    }
    if (extra.length > 0) {
      throw new CliError(
        'cli.usage',
        `Unexpected argument "${extra[0]}": graph takes one module file. Use --export to pick one machine.`,
      );
    }
    const graphs = await loadGraphs(file, values.export, context);
    const render = formats[format]!;
    if (graphs.length > 1 && format === 'svg') {
      throw new CliError(
        'cli.usage',
        `${file} exports ${graphs.length} machines (${graphs.flatMap((graph) => graph.exports).join(', ')}); --format svg draws one. Pick it with --export <name>.`,
      );
    }
    const rendered = await Promise.all(graphs.map(render));
    // JSON Lines run on; text and diagrams are separated by a blank line.
    context.stdout.write(rendered.join(format === 'json' ? '' : '\n'));
    return 0;
  },
};

async function loadGraphs(
  file: string,
  exportName: string | undefined,
  context: CommandContext,
): Promise<MachineGraph[]> {
  const path = resolve(context.cwd, file);
  const stats = await stat(path).catch(() => undefined);
  if (!stats?.isFile()) {
    throw new CliError(
      'cli.file_not_found',
      stats
        ? `${file} is a directory; give the module file that exports the machine or agent.`
        : `File not found: ${file} (looked for ${path}).`,
    );
  }
  let moduleExports: Record<string, unknown>;
  try {
    moduleExports = await context.importModule(path);
  } catch (error) {
    throw loadFailure(file, error, context.cwd);
  }
  const agents = agentsOfFactories(moduleExports, file);
  try {
    const picked = exportName === undefined ? undefined : agents.failed.get(exportName);
    if (picked) throw picked;
    let found: ReturnType<typeof findMachines>;
    try {
      found = findMachines(agents.exports, {
        file,
        ...(exportName === undefined ? {} : { exportName }),
      });
    } catch (error) {
      // Nothing else to draw: the factory's own error says what to fix.
      throw agents.failed.values().next().value ?? error;
    }
    // A chart needs no model: a factory whose model wants a key this shell has not got does
    // not keep the machines the module exports from being drawn, nor goes unmentioned.
    if (exportName === undefined) {
      for (const failure of agents.failed.values()) {
        context.stderr.write(
          `agentchart: ${failure.message} Its chart is left out; export its machine to draw it without making the agent.\n`,
        );
      }
    }
    return found.map(({ machine, exports }) => ({
      id: machine.id,
      exports,
      root: describeMachine(machine),
    }));
  } finally {
    await agents.close();
  }
}
