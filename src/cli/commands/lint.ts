// hotswap-ci lint: the lint action's domain module from a terminal. Every
// finding is printed (stderr, grouped per values set), or with --format json
// the whole result is one JSON document on stdout for tools.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Helm, type HelmMajor } from '../../helm/helm.js';
import { parseChoice } from '../../inputs/parse.js';
import { findingsText, groupFindings } from '../../lint/findings-report.js';
import { lintChart } from '../../lint/run.js';
import { readLintInputs } from '../../lint/inputs.js';
import { resolveLintSettings } from '../../lint/settings.js';
import { failureMessage, lintOutputs } from '../../lint/summary.js';
import { repoRoot } from '../action-inputs.js';
import { findBinary } from '../binaries.js';
import type { Command } from '../command.js';

const FORMATS = ['text', 'json'] as const;

export const lintCommand: Command = {
  name: 'lint',
  action: 'lint',
  flags: [
    {
      name: 'format',
      description:
        'How the result is printed: `text` lists every finding (level, rule, file:line, message) per ' +
        'values set on stderr and the outputs as name=value lines on stdout; `json` prints one JSON ' +
        'document on stdout instead: {result, outputs, sets: [{name, result, errors, warnings, ' +
        'findings: [{level, rule, file, line, column, message}]}]}.',
      default: 'text',
      required: false,
    },
  ],
  async run(read, ctx) {
    const format = parseChoice('format', read('format'), FORMATS, 'text');
    const inputs = readLintInputs(read);
    const settings = await resolveLintSettings(inputs, ctx.cwd);
    const bin = findBinary('helm', settings.helm);
    const version = await new Helm({ bin, major: 4 }).version();
    const major = Number(/^v?(\d+)/.exec(version)?.[1]);
    if (major !== 3 && major !== 4)
      throw new Error(`${bin} reports version ${version}; helm 3 or 4 is required`);
    const helm = new Helm({ bin, major: major as HelmMajor });
    ctx.log(
      `helm ${version}; ${settings.sets.length} values set(s), ${settings.concurrency} at a time`,
    );
    const report = await lintChart(settings, {
      helm,
      // The Kubernetes schemas the lint action ships next to its bundle.
      schemaDir: path.join(repoRoot(), 'actions', 'lint', 'schemas'),
      // Kept after the command: the manifests-dir output points at it.
      outputDir: mkdtempSync(path.join(tmpdir(), 'hotswap-lint-')),
      log: ctx.log,
    });
    const outputs = lintOutputs(report);
    const groups = groupFindings(report, settings.workspace);
    return {
      ok: report.result !== 'fail',
      detail:
        report.result === 'fail'
          ? failureMessage(report)
          : `${report.result}: ${settings.sets.map((s) => s.name).join(', ')}`,
      outputs,
      ...(format === 'json'
        ? { document: { result: report.result, outputs, sets: groups } }
        : { report: findingsText(groups) }),
    };
  },
};
