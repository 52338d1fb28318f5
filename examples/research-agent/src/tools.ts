import { defineTool } from '@agentchart/core';
import { z } from 'zod';
import { figures, notes } from './corpus';

/** Simulated archive latency, so the log shows calls running side by side. */
const latency = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Finds notes by place or topic: read-only, so `pure` — safe to run in parallel and again. */
export const searchNotes = defineTool({
  name: 'search_notes',
  description:
    'Searches the research archive by place or topic; returns note ids, titles and first lines.',
  input: z.object({ query: z.string().min(2) }),
  output: z.object({
    hits: z.array(z.object({ id: z.string(), title: z.string(), firstLine: z.string() })),
  }),
  effect: 'pure',
  // The team's own curated archive: its text reaches the model as it is, not fenced as
  // untrusted data (content from the open web would be).
  trustedOutput: true,
  timeoutMs: 5_000,
  async execute({ query }, { signal }) {
    await latency(30, signal);
    const words = query.toLowerCase().split(/\s+/);
    const hits = notes
      .filter((note) =>
        words.some((word) => note.tags.some((tag) => tag.toLowerCase().includes(word))),
      )
      .slice(0, 3)
      .map((note) => ({
        id: note.id,
        title: note.title,
        firstLine: note.text.split('\n')[0] ?? '',
      }));
    return { hits };
  },
});

/** Reads a whole note — long, which is what the context budget is for. */
export const readNote = defineTool({
  name: 'read_note',
  description: 'Returns the full text of one note by id.',
  input: z.object({ id: z.string().regex(/^N-\d+$/) }),
  output: z.object({ id: z.string(), title: z.string(), text: z.string() }),
  effect: 'pure',
  // The team's own curated archive: its text reaches the model as it is, not fenced as
  // untrusted data (content from the open web would be).
  trustedOutput: true,
  timeoutMs: 5_000,
  async execute({ id }, { signal }) {
    await latency(40, signal);
    const note = notes.find((candidate) => candidate.id === id);
    if (!note) throw new Error(`No note ${id} in the archive.`);
    return { id: note.id, title: note.title, text: note.text };
  },
});

/** Looks a yearly figure up. */
export const lookupFigure = defineTool({
  name: 'lookup_figure',
  description: `Returns a yearly figure. Metrics: ${Object.keys(figures).join(', ')}.`,
  input: z.object({ metric: z.string(), year: z.number().int() }),
  output: z.object({ metric: z.string(), year: z.number(), value: z.number(), unit: z.string() }),
  effect: 'pure',
  // The team's own curated archive: its text reaches the model as it is, not fenced as
  // untrusted data (content from the open web would be).
  trustedOutput: true,
  timeoutMs: 5_000,
  async execute({ metric, year }, { signal }) {
    await latency(20, signal);
    const figure = figures[metric]?.[year];
    if (!figure)
      throw new Error(
        `No figure "${metric}" for ${year}. Metrics: ${Object.keys(figures).join(', ')}.`,
      );
    return { metric, year, ...figure };
  },
});
