/** A research note in the team's archive. */
export interface Note {
  id: string;
  title: string;
  /** Places and topics it covers, for search. */
  tags: string[];
  text: string;
}

const paragraph = (place: string, topic: string, index: number) =>
  `${place}, section ${index + 1}. The ${topic} programme reported progress on berths, grid connections and tariffs. Operators asked for firm connection dates; the authority answered with a phased plan, noting that cable routes, substation capacity and the share of vessels fitted with shore-side connectors decide how fast the berths are used. Costs per berth vary with distance to the nearest substation.`;

/** Long notes, as archives have them: a summary first, then many sections. */
function note(id: string, title: string, tags: string[], summary: string, sections = 14): Note {
  const place = tags[0] ?? 'the port';
  const body = Array.from({ length: sections }, (_, index) =>
    paragraph(place, tags[1] ?? 'energy', index),
  );
  return { id, title, tags, text: `${summary}\n\n${body.join('\n\n')}\n\nConclusion: ${summary}` };
}

export const notes: readonly Note[] = [
  note(
    'N-1',
    'Rotterdam shore power, 2024 review',
    ['Rotterdam', 'shore power'],
    'Rotterdam had 12 of 40 planned shore-power berths in use by the end of 2024.',
  ),
  note(
    'N-2',
    'Hamburg cruise terminals on shore power',
    ['Hamburg', 'shore power'],
    'Hamburg connected all three cruise terminals to shore power in 2023; container berths follow from 2026.',
  ),
  note(
    'N-3',
    'Antwerp grid study',
    ['Antwerp', 'grid'],
    'Antwerp needs a second 150 kV substation before more berths can connect.',
  ),
  note(
    'N-4',
    'Rotterdam tariff decision',
    ['Rotterdam', 'tariffs'],
    'Rotterdam set a shore-power tariff below the cost of running auxiliary engines from 2025.',
  ),
  note(
    'N-5',
    'Hamburg container berths plan',
    ['Hamburg', 'container'],
    'Hamburg plans shore power at container berths in three phases, the first in 2026.',
  ),
];

/** Yearly figures the archive keeps. */
export const figures: Record<string, Record<number, { value: number; unit: string }>> = {
  'port emissions': {
    2023: { value: 13.4, unit: 'Mt CO2' },
    2024: { value: 12.7, unit: 'Mt CO2' },
  },
  'shore power berths': {
    2023: { value: 9, unit: 'berths' },
    2024: { value: 12, unit: 'berths' },
  },
};
