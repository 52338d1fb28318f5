import type { Agent } from '@agentchart/core';
import { machineVersionOf, versionWithoutChildMachines } from '@agentchart/core/internal';
import type { AnyStateMachine } from 'xstate';
import { describeMachine } from '../graph/describe-machine';
import { layoutChart } from '../graph/layout-chart';
import { renderChartSvg } from '../graph/render-chart-svg';
import type { StateGraph } from '../graph/types';
import type { ChartView } from './types';

/** A machine the studio knows, from the modules it was given. */
export interface CatalogMachine {
  /** The agent's name where the module exports an agent, else the machine's id. */
  name: string;
  machine: AnyStateMachine;
  /** The hash checkpoints carry: how a run is matched to its chart. */
  version: string;
  graph: StateGraph;
  /** The state that runs each invoke, by invoke id: how an effect's site finds its state. */
  stateOfInvoke: Map<string, string>;
}

/** Where the studio may answer a run's human wait: an agent able to deliver a reply. */
export type ReplyAgent = Pick<Agent, 'send' | 'machine' | 'name' | 'close'>;

/**
 * The machines (and agents) the studio was given, by machine version; their charts are laid
 * out once, when first asked for.
 */
export class AgentCatalog {
  readonly #machines = new Map<string, CatalogMachine>();
  readonly #charts = new Map<string, Promise<ChartView>>();

  /** Adds a machine under a name; a machine already known keeps its first name. */
  add(machine: AnyStateMachine, name: string = machine.id): CatalogMachine {
    const version = machineVersionOf(machine);
    const known = this.#machines.get(version);
    if (known) return known;
    const graph = describeMachine(machine);
    const stateOfInvoke = new Map<string, string>();
    const walk = (state: StateGraph) => {
      for (const invoke of state.invokes) stateOfInvoke.set(invoke.id, state.path.join('.'));
      for (const child of state.children) walk(child);
    };
    walk(graph);
    const entry = { name, machine, version, graph, stateOfInvoke };
    this.#machines.set(version, entry);
    // Checkpoints stored before child machines were part of the version carry the old one.
    const former = versionWithoutChildMachines(machine);
    if (former !== undefined && !this.#machines.has(former)) this.#machines.set(former, entry);
    return entry;
  }

  /** The machine checkpoints with this version were written by, if the studio knows it. */
  get(version: string): CatalogMachine | undefined {
    return this.#machines.get(version);
  }

  /** Every known machine. */
  all(): CatalogMachine[] {
    // A machine may be known under two versions (see add): listed once.
    return [...new Set(this.#machines.values())];
  }

  /** The agent name for a machine version: the catalog's, else a short form of the hash. */
  nameOf(version: string): string {
    return this.#machines.get(version)?.name ?? `machine ${version.slice(0, 8)}`;
  }

  /** The chart of a machine version, laid out on first use. */
  chart(version: string): Promise<ChartView> | undefined {
    const entry = this.#machines.get(version);
    if (!entry) return undefined;
    let chart = this.#charts.get(version);
    if (!chart) {
      chart = chartView(entry.graph, entry.machine.id);
      this.#charts.set(version, chart);
    }
    return chart;
  }
}

/** A chart as the page draws it: the SVG (without its stylesheet) and what it highlights. */
export async function chartView(graph: StateGraph, machineId: string): Promise<ChartView> {
  const layout = await layoutChart(graph, { machineId });
  return {
    machineId,
    svg: renderChartSvg(layout, { standalone: false }),
    width: layout.width,
    height: layout.height,
    transitions: layout.transitions.map(({ id, source, target }) => ({ id, source, target })),
    states: layout.states.map((state) => state.id),
  };
}
