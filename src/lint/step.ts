// The lint step: inputs -> settings (bad input fails here, before helm runs)
// -> lintChart -> outputs; shared by actions/lint and `hotswap-ci lint`,
// which differ only in where the Kubernetes schemas ship.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { findBinary } from '../exec/binary.js';
import { Helm, parseHelmMajor } from '../helm/helm.js';
import { helmVersionOf } from '../helm/version-record.js';
import type { Step } from '../step/step.js';
import { readLintInputs } from './inputs.js';
import { lintChart, type LintReport } from './run.js';
import { resolveLintSettings, type LintSettings } from './settings.js';
import { failureMessage, lintOutputs, summaryMarkdown } from './summary.js';

export interface LintOutcome {
  report: LintReport;
  helmVersion: string;
  /** Whether the rendered manifests outlive the step (then the manifests-dir output names them). */
  manifestsKept: boolean;
}

/** `schemaDir`: the Kubernetes schemas (next to the action's bundle, or in the repository). */
export function lintStep(schemaDir: () => string): Step<LintSettings, LintOutcome> {
  return {
    action: 'lint',
    parse: async (read, ctx) => ({
      settings: await resolveLintSettings(readLintInputs(read), ctx.workspace),
      secrets: [],
    }),
    async run(settings, ctx) {
      const bin = findBinary('helm', settings.helm);
      ctx.log(
        `${settings.sets.length} values set(s) with ${bin}, ${settings.concurrency} helm processes at a time`,
      );
      // lint and template take the same flags in helm 3 and 4; the version
      // (recorded earlier in the job, else asked for alongside the first
      // calls rather than before them) is for the summary.
      const helm = new Helm({ bin, major: 4 });
      const [helmVersion, report] = await Promise.all([
        helmVersionOf(bin, () => helm.version()),
        lintChart(settings, {
          helm,
          schemaDir: schemaDir(),
          outputDir: mkdtempSync(path.join(ctx.keepDir ?? ctx.tempDir, 'hotswap-lint-')),
          log: ctx.log,
        }),
      ]);
      parseHelmMajor(helmVersion);
      return { report, helmVersion, manifestsKept: ctx.keepDir !== undefined };
    },
    outputs: ({ report, manifestsKept }) => {
      const outputs = lintOutputs(report);
      if (!manifestsKept) {
        delete outputs['manifests-dir'];
        delete outputs.manifests;
      }
      return outputs;
    },
    ok: ({ report }) => report.result !== 'fail',
    detail: ({ report }, settings) =>
      report.result === 'fail'
        ? failureMessage(report)
        : `${report.result}: ${settings.sets.map((s) => s.name).join(', ')}`,
    summary: ({ report, helmVersion }, settings) =>
      summaryMarkdown(report, {
        chart: path.relative(settings.workspace, settings.chartDir) || '.',
        workspace: settings.workspace,
        helmVersion,
      }),
  };
}
