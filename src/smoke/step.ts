// The smoke-test step: inputs -> settings and secret header values -> the
// checks -> outputs, with the verdict recorded on a given release; shared by
// actions/smoke-test and `hotswap-ci smoke-test`.
import { findBinary } from '../exec/binary.js';
import { checkKubeContext, type KubeTarget } from '../kube/kube-target.js';
import { Kubectl } from '../kube/kubectl.js';
import type { Step } from '../step/step.js';
import { parseSmokeInputs, type Inputs } from './inputs.js';
import { recordVerdict, releaseUnderTest } from './record.js';
import { failureMessage, renderSummary, type SmokeReport } from './report.js';
import { smokeTest } from './smoke-test.js';

export interface SmokeOutcome {
  report: SmokeReport;
  /** What was recorded on the release under test ('' when none was given). */
  recorded: string;
}

export const smokeTestStep: Step<Inputs, SmokeOutcome> = {
  action: 'smoke-test',
  parse(read) {
    const inputs = parseSmokeInputs(read);
    return { settings: inputs, secrets: inputs.secrets };
  },
  async run(inputs, ctx) {
    const { settings } = inputs;
    const curl = findBinary('curl', 'curl');
    const target = (): KubeTarget => ({
      kubectl: findBinary('kubectl', 'kubectl'),
      kubeconfig: inputs.kubeconfig,
      context: inputs.kubeContext,
    });
    const kube = settings.target.kind === 'url' ? undefined : target();
    if (kube) await checkKubeContext(kube);
    const tested = inputs.release
      ? await releaseUnderTest(new Kubectl(target()), inputs.release.name, inputs.release.namespace)
      : undefined;
    const report = await smokeTest(settings, { curl, kube, tempDir: ctx.tempDir, log: ctx.log });
    const recorded = tested ? await recordVerdict(tested, report.passed) : '';
    if (recorded) ctx.log(recorded);
    if (report.passed) ctx.log(`Smoke test passed: ${checkList(report)}`);
    return { report, recorded };
  },
  outputs: ({ report }) => ({ passed: String(report.passed), report: JSON.stringify(report) }),
  ok: ({ report }) => report.passed,
  detail: ({ report }) => (report.passed ? checkList(report) : failureMessage(report)),
  summary: ({ report, recorded }) => renderSummary(report) + (recorded ? `\n> ${recorded}\n` : ''),
};

function checkList(report: SmokeReport): string {
  return report.checks.map((c) => `${c.name} ${c.status}`).join(', ');
}
