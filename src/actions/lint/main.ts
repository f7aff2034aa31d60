// actions/lint: inputs -> settings (bad input fails here, before helm runs)
// -> lintChart -> annotations, job summary, outputs.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import * as io from '@actions/io';
import * as out from '../kit/channels.js';
import { Helm } from '../../helm/helm.js';
import { InputError } from '../../inputs/errors.js';
import { mergeFindings } from '../../lint/findings.js';
import { readLintInputs } from '../../lint/inputs.js';
import { lintChart, type LintReport } from '../../lint/run.js';
import { resolveLintSettings } from '../../lint/settings.js';
import { failureMessage, lintOutputs, summaryMarkdown } from '../../lint/summary.js';

/** actions/lint/schemas, next to the bundle's dist/ folder. */
function schemaDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
}

async function findHelm(given: string): Promise<string> {
  if (given.includes('/')) return given;
  const found = await io.which(given, false);
  if (!found)
    throw new InputError(
      'helm',
      given,
      'helm on PATH (run actions/setup first) or a path to the helm binary',
    );
  return found;
}

function annotate(report: LintReport, workspace: string): void {
  for (const f of mergeFindings(report.findings)) {
    const sets = f.sets.length ? ` [${f.sets.join(', ')}]` : '';
    const properties: out.AnnotationProperties = {
      title: `${f.title}${sets}`,
      file: path.relative(workspace, f.file),
      startLine: f.line,
      ...(f.column ? { startColumn: f.column } : {}),
    };
    if (f.severity === 'error') out.error(f.message, properties);
    else if (f.severity === 'warning') out.warning(f.message, properties);
    else out.notice(f.message, properties);
  }
}

export async function main(): Promise<void> {
  const inputs = readLintInputs((name) => core.getInput(name));
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const settings = await resolveLintSettings(inputs, workspace);

  const bin = await findHelm(settings.helm);
  const runnerTemp = process.env.RUNNER_TEMP || tmpdir();
  mkdirSync(runnerTemp, { recursive: true });
  const outputDir = mkdtempSync(path.join(runnerTemp, 'hotswap-lint-'));
  out.info(
    `${settings.sets.length} values set(s) with ${bin}, ${settings.concurrency} helm processes at a time`,
  );

  // lint and template take the same flags in helm 3 and 4; the version is
  // asked for alongside the first calls rather than before them.
  const helm = new Helm({ bin, major: 4 });
  const [version, report] = await Promise.all([
    helm.version(),
    lintChart(settings, { helm, schemaDir: schemaDir(), outputDir, log: out.info }),
  ]);
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major !== 3 && major !== 4)
    throw new Error(`${bin} reports version ${version}; helm 3 or 4 is required`);

  annotate(report, settings.workspace);
  for (const [name, value] of Object.entries(lintOutputs(report))) out.setOutput(name, value);
  const chart = path.relative(settings.workspace, settings.chartDir) || '.';
  await out.writeSummary(
    summaryMarkdown(report, { chart, workspace: settings.workspace, helmVersion: version }),
  );
  if (report.result === 'fail') out.setFailed(failureMessage(report));
}
