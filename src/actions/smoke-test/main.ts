// actions/smoke-test: inputs -> smoke test -> job summary, outputs, verdict.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import * as io from '@actions/io';
import { checkKubeContext } from '../../kube/kube-target.js';
import { Kubectl } from '../../kube/kubectl.js';
import { registerSecret } from '../../secrets/redact.js';
import { recordVerdict, releaseUnderTest } from '../../smoke/record.js';
import * as out from '../kit/channels.js';
import { failureMessage, renderSummary } from '../../smoke/report.js';
import { smokeTest } from '../../smoke/smoke-test.js';
import { parseSmokeInputs } from '../../smoke/inputs.js';

export async function main(): Promise<void> {
  const inputs = parseSmokeInputs((name) => core.getInput(name));
  for (const secret of inputs.secrets) registerSecret(secret);
  const { settings } = inputs;
  const curl = await io.which('curl', true);
  const kube =
    settings.target.kind === 'url'
      ? undefined
      : {
          kubectl: await io.which('kubectl', true),
          kubeconfig: inputs.kubeconfig,
          context: inputs.kubeContext,
        };
  if (kube) await checkKubeContext(kube);
  const tempDir = process.env.RUNNER_TEMP || tmpdir();
  mkdirSync(tempDir, { recursive: true });

  const tested = inputs.release
    ? await releaseUnderTest(
        new Kubectl({
          kubectl: await io.which('kubectl', true),
          kubeconfig: inputs.kubeconfig,
          context: inputs.kubeContext,
        }),
        inputs.release.name,
        inputs.release.namespace,
      )
    : undefined;

  const report = await smokeTest(settings, { curl, kube, tempDir, log: out.info });

  let recorded = '';
  if (tested) {
    recorded = await recordVerdict(tested, report.passed);
    out.info(recorded);
  }
  await out.writeSummary(renderSummary(report) + (recorded ? `\n> ${recorded}\n` : ''));
  out.setOutput('passed', String(report.passed));
  out.setOutput('report', JSON.stringify(report));
  if (!report.passed) throw new Error(failureMessage(report));
  out.info(`Smoke test passed: ${report.checks.map((c) => `${c.name} ${c.status}`).join(', ')}`);
}
