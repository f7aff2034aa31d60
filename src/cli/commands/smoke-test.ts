// hotswap-ci smoke-test: the smoke-test action's domain module from a terminal.
import { checkKubeContext } from '../../kube/kube-target.js';
import { Kubectl } from '../../kube/kubectl.js';
import { registerSecret } from '../../secrets/redact.js';
import { recordVerdict, releaseUnderTest } from '../../smoke/record.js';
import { parseSmokeInputs } from '../../smoke/inputs.js';
import { failureMessage } from '../../smoke/report.js';
import { smokeTest } from '../../smoke/smoke-test.js';
import { findBinary } from '../binaries.js';
import type { Command } from '../command.js';

export const smokeTestCommand: Command = {
  name: 'smoke-test',
  action: 'smoke-test',
  async run(read, ctx) {
    const inputs = parseSmokeInputs(read);
    for (const secret of inputs.secrets) registerSecret(secret);
    const { settings } = inputs;
    const curl = findBinary('curl', 'curl');
    const kube =
      settings.target.kind === 'url'
        ? undefined
        : {
            kubectl: findBinary('kubectl', 'kubectl'),
            kubeconfig: inputs.kubeconfig,
            context: inputs.kubeContext,
          };
    if (kube) await checkKubeContext(kube);
    const tested = inputs.release
      ? await releaseUnderTest(
          new Kubectl({
            kubectl: findBinary('kubectl', 'kubectl'),
            kubeconfig: inputs.kubeconfig,
            context: inputs.kubeContext,
          }),
          inputs.release.name,
          inputs.release.namespace,
        )
      : undefined;
    const report = await smokeTest(settings, { curl, kube, tempDir: ctx.tempDir, log: ctx.log });
    if (tested) ctx.log(await recordVerdict(tested, report.passed));
    return {
      ok: report.passed,
      detail: report.passed
        ? report.checks.map((c) => `${c.name} ${c.status}`).join(', ')
        : failureMessage(report),
      outputs: { passed: String(report.passed), report: JSON.stringify(report) },
    };
  },
};
