// hotswap-ci lint: the lint action's domain module from a terminal.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Helm, type HelmMajor } from '../../helm/helm.js';
import { lintChart } from '../../lint/run.js';
import { readLintInputs } from '../../lint/inputs.js';
import { resolveLintSettings } from '../../lint/settings.js';
import { failureMessage, lintOutputs } from '../../lint/summary.js';
import { repoRoot } from '../action-inputs.js';
import { findBinary } from '../binaries.js';
import type { Command } from '../command.js';

export const lintCommand: Command = {
  name: 'lint',
  action: 'lint',
  async run(read, ctx) {
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
    return {
      ok: report.result !== 'fail',
      detail:
        report.result === 'fail'
          ? failureMessage(report)
          : `${report.result}: ${settings.sets.map((s) => s.name).join(', ')}`,
      outputs,
    };
  },
};
