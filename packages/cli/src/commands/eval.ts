import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError } from '../cli-error';
import { isEvalSuite } from '../eval/define-eval';
import { formatEvalTable } from '../eval/format-eval-table';
import { parseDataset } from '../eval/load-dataset';
import { runEval } from '../eval/run-eval';
import type { EvalReport, EvalSuite } from '../eval/types';
import { exitCodes } from '../exit-codes';
import { loadFailure } from '../load-failure';
import { jsonForTerminal, terminalWriter } from '../terminal-text';
import { parseCommandArgs } from './parse-command-args';
import type { Command, CommandContext } from './types';
import { isWholeNumberText } from './whole-number-text';

const help = `Usage: agentchart eval <module-file> <dataset.jsonl> [options]

Runs an agent over a golden dataset and scores every case. The module exports a suite made
with defineEval() from "agentchart/eval": the agent for each variant (prompt versions,
models), the scorers (exact or field match, schema, numeric tolerance, your own function,
LLM-as-judge, trajectory through the chart). Variants are compared side by side. Progress
goes to stderr, the table to stdout.

Each dataset line is a JSON object: {"id": "case-1", "input": …, "expected": …,
"trajectory": ["state", …], "replies": [what a person answers the run's waits with, …]}.

Options:
  -V, --variant <name>       run this variant (repeat for several; default: all of them)
  -c, --concurrency <n>      cases at once within a variant (default: the suite's, else 4)
  -r, --repeat <n>           run each case n times; every run counts in the pass rate,
                             and a case that passes some runs but not all is flaky
  -m, --min-pass-rate <r>    exit 6 when a variant passes fewer cases (0.9 or 90%);
                             every run of a variant failing exits 1 without it
  -o, --output <file>        also write the full report as JSON
      --json                 print the report as JSON instead of the table
  -e, --export <name>        the suite's export, when the module has several
  -h, --help                 show this help

Exit codes: 0 every variant at or above the minimum, 6 one below it, 1 the eval broke
(every run of a variant failed, the suite did not load), 2 used wrongly.

Examples:
  agentchart eval src/triage.eval.ts data/golden.jsonl --min-pass-rate 0.9
  agentchart eval src/triage.eval.ts data/golden.jsonl --variant v1 --variant v2 -o eval.json
`;

/** `agentchart eval`: an agent over a golden dataset, scored, with a pass-rate gate. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 'score an agent over a golden dataset (JSONL); compare variants; gate on pass rate',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('eval', args, {
      variant: { type: 'string', short: 'V', multiple: true },
      concurrency: { type: 'string', short: 'c' },
      repeat: { type: 'string', short: 'r' },
      'min-pass-rate': { type: 'string', short: 'm' },
      output: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
      export: { type: 'string', short: 'e' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    const [moduleFile, datasetFile, ...extra] = positionals;
    if (moduleFile === undefined || datasetFile === undefined || extra.length > 0) {
      throw new CliError(
        'cli.usage',
        `Give the module file and the dataset file. Usage: agentchart eval <module-file> <dataset.jsonl> [options]`,
      );
    }
    const concurrency =
      values.concurrency === undefined
        ? undefined
        : wholeNumber('--concurrency', values.concurrency, 'cases at once');
    const repeat =
      values.repeat === undefined
        ? undefined
        : wholeNumber('--repeat', values.repeat, 'times to run each case', 1_000);
    const outputPath =
      values.output === undefined ? undefined : resolve(context.cwd, values.output);
    // Found out before the cases run, not after: an eval may have taken minutes and money.
    if (
      outputPath !== undefined &&
      !(await stat(dirname(outputPath)).catch(() => undefined))?.isDirectory()
    ) {
      throw new CliError(
        'cli.file_not_found',
        `--output ${values.output}: the folder ${dirname(outputPath)} does not exist. Create it first, or name a file in a folder that exists.`,
      );
    }
    const suite = await loadSuite(moduleFile, values.export, context);
    const datasetPath = resolve(context.cwd, datasetFile);
    const text = await readFile(datasetPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new CliError(
        'cli.file_not_found',
        error.code === 'ENOENT'
          ? `Dataset not found: ${datasetFile} (looked for ${datasetPath}).`
          : `Could not read ${datasetFile}: ${error.message}`,
        error,
      );
    });
    const cases = parseDataset(text, datasetFile);
    const known = Object.keys(suite.variants ?? { default: undefined });
    const variants = values.variant ?? known;
    for (const variant of variants) {
      if (!known.includes(variant)) {
        throw new CliError(
          'cli.usage',
          `The suite "${suite.name}" has no variant "${variant}". Its variants: ${known.join(', ')}.`,
        );
      }
    }
    const minPassRate =
      values['min-pass-rate'] === undefined ? suite.minPassRate : passRate(values['min-pass-rate']);
    const startedAt = new Date().toISOString();
    const ran = await runEval({
      suite,
      cases,
      variants,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(repeat === undefined ? {} : { repeat }),
      onCase: (result, count, total) =>
        terminalWriter(context.stderr).write(
          `eval ${result.variant} [${count}/${total}] ${result.caseId}${result.run === undefined ? '' : ` #${result.run}`} ${result.passed ? '✓' : '✗'}${result.status === 'done' ? '' : ` (${result.status})`}\n`,
        ),
    });
    const report: EvalReport = {
      suite: suite.name,
      dataset: datasetFile,
      startedAt,
      ...(minPassRate === undefined ? {} : { minPassRate }),
      ...ran,
    };
    if (outputPath !== undefined) {
      await writeFile(outputPath, `${JSON.stringify(report, null, 2)}\n`);
    }
    context.stdout.write(
      values.json ? `${jsonForTerminal(report, 2)}\n` : formatEvalTable({ ...ran, minPassRate }),
    );
    const below =
      minPassRate === undefined
        ? []
        : ran.variants.filter((variant) => variant.passRate < minPassRate);
    // A variant none of whose runs came to an end measured nothing: a model that cannot be
    // reached (no API key in CI) must not pass a suite that sets no minimum.
    const broken = variants.filter((variant) => {
      const results = ran.cases.filter((result) => result.variant === variant);
      return (
        results.length > 0 &&
        results.every(
          (result) => !result.passed && (result.status === 'failed' || result.status === 'error'),
        )
      );
    });
    for (const variant of broken) {
      const first = ran.cases.find((result) => result.variant === variant && result.error);
      terminalWriter(context.stderr).write(
        `agentchart: every run of variant "${variant}" failed before it could be scored${first?.error ? ` (first: ${first.error})` : ''}. The agent or its model is failing, so the suite measured nothing: fix that and run again.\n`,
      );
    }
    // Told apart so CI can: the eval broke (1) or the agent got worse (6).
    if (broken.length > 0) return exitCodes.failed;
    return below.length > 0 ? exitCodes.belowMinimum : exitCodes.ok;
  },
};

async function loadSuite(
  file: string,
  exportName: string | undefined,
  context: CommandContext,
): Promise<EvalSuite> {
  const path = resolve(context.cwd, file);
  if (!(await stat(path).catch(() => undefined))?.isFile()) {
    throw new CliError('cli.file_not_found', `File not found: ${file} (looked for ${path}).`);
  }
  let moduleExports: Record<string, unknown>;
  try {
    moduleExports = await context.importModule(path);
  } catch (error) {
    throw loadFailure(file, error, context.cwd);
  }
  const suites = Object.entries(moduleExports).filter(([, value]) => isEvalSuite(value));
  if (exportName !== undefined) {
    const chosen = suites.find(([name]) => name === exportName);
    if (!chosen) {
      throw new CliError(
        'cli.no_machine',
        `${file} exports no eval suite named "${exportName}". Suites: ${suites.map(([name]) => name).join(', ') || 'none'}.`,
      );
    }
    return chosen[1] as EvalSuite;
  }
  // `export default defineEval(…)` and a named export of the same suite are one suite.
  const distinct = [...new Set(suites.map(([, value]) => value))];
  if (distinct.length === 1) return distinct[0] as EvalSuite;
  throw new CliError(
    'cli.no_machine',
    distinct.length === 0
      ? `${file} exports no eval suite. Export one made with defineEval({ name, agent, scorers }) from "agentchart/eval".`
      : `${file} exports ${distinct.length} eval suites (${suites.map(([name]) => name).join(', ')}); pick one with --export.`,
  );
}

function wholeNumber(option: string, text: string, what: string, most = 100_000): number {
  const value = Number(text);
  if (!isWholeNumberText(text) || !Number.isInteger(value) || value < 1 || value > most) {
    throw new CliError(
      'cli.usage',
      `${option} takes a whole number of ${what}, from 1 to ${most}, got "${text}".`,
    );
  }
  return value;
}

function passRate(text: string): number {
  const share = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (text.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new CliError(
      'cli.usage',
      `--min-pass-rate takes a share from 0 to 1 (0.9) or a percentage (90%), got "${text}".`,
    );
  }
  return share;
}
