/**
 * The demo's arithmetic: the right answer to a sample question, and the sloppy one a cheap
 * model gives (it drops the last step: the rounding, the VAT). Both read only the question.
 */
export function solve(question: string, { sloppy = false } = {}): number | undefined {
  const number = (text: string | undefined) => Number(text);
  let match =
    /An order of (\d+) units at EUR ([\d.]+) each gets a ([\d.]+)% discount, then ([\d.]+)% VAT/.exec(
      question,
    );
  if (match) {
    const net = number(match[1]) * number(match[2]) * (1 - number(match[3]) / 100);
    return round(sloppy ? net : net * (1 + number(match[4]) / 100));
  }
  match = /What is ([\d.]+)% of ([\d.]+)(, rounded up to the next ten)?/.exec(question);
  if (match) {
    const share = (number(match[1]) * number(match[2])) / 100;
    return round(match[3] && !sloppy ? Math.ceil(share / 10) * 10 : share);
  }
  match = /What is ([\d.]+) divided by ([\d.]+)/.exec(question);
  if (match) return round(number(match[1]) / number(match[2]));
  match = /costs EUR ([\d.]+) per parcel; how much are (\d+) parcels/.exec(question);
  if (match) return round(number(match[1]) * number(match[2]));
  return undefined;
}

const round = (value: number) => Math.round(value * 100) / 100;
